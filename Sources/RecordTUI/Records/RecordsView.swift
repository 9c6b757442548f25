import Foundation
import RecordCore
import TerminalScreen

/// The records of one type as a data grid (VisiData-like, DESIGN §6): keyset-paged rows, data columns
/// with widths fitted to the screen, a column cursor with horizontal scrolling, sort by any column, the
/// `/` filter with a match count, frequencies, copy, export, marks, archive / restore and batch undo.
public final class RecordsView: View {
    let context: AppContext
    public let type: ObjectType
    let window: RecordWindow
    /// Marked record ids.
    private(set) var marks: Set<String> = []
    /// The filter being typed after `/`, when open.
    private var filterInput: String?
    private var loadError: String?
    private var visibleRows = 20
    /// The grid's columns, in order (the name first).
    public private(set) var columns: [GridColumn] = []
    /// True when the columns came from views.toml (else they follow the defaults).
    private var savedColumns = false
    /// The column cursor, an index into `columns`.
    public private(set) var columnCursor = 0
    private var firstScrolled = 1
    /// The last bulk archive or restore, for `u`.
    private var lastBatch: (id: String, verb: String, count: Int)?
    /// Background work shown in the view: an index build for a sort, or an export.
    private var job: ViewJob?
    /// A filter's match count, counted in the background so the first screen never waits for it.
    private var countJob: (job: BackgroundJob<RowCount>, query: RecordQuery, announce: Bool)?

    private enum ViewJob {
        /// SQLite cannot say how far an index build is: the view shows the time it has taken so far.
        case sortIndex(BackgroundJob<Double>, RecordSort, started: Date)
        case export(BackgroundJob<ExportSummary>, String)
    }

    public init(context: AppContext, type: ObjectType) {
        self.context = context
        self.type = type
        window = RecordWindow(backend: context.backend, query: RecordQuery(type: type.key))
        load { try window.loadFirst() }
        if let keys = context.viewSettings.columns(for: type.key) {
            let parsed = keys.compactMap { try? GridColumn(key: $0, type: type) }
            if !parsed.isEmpty {
                columns = parsed.first == .name ? parsed : [.name] + parsed.filter { $0 != .name }
                savedColumns = true
            }
        }
        if !savedColumns { columns = defaultColumns() }
    }

    deinit { countJob?.job.cancel() }

    private func defaultColumns() -> [GridColumn] {
        GridColumn.defaults(
            for: type, sample: window.rows.map(\.record), showingArchived: window.query.archived != .active)
    }

    public var typeKey: String { type.key }
    /// The listing on screen: type, archive state, order and filter.
    public var query: RecordQuery { window.query }
    public var title: String { type.key }
    public var capturesText: Bool { filterInput != nil }
    public var currentColumn: GridColumn { columns.indices.contains(columnCursor) ? columns[columnCursor] : .name }

    @discardableResult
    private func load(_ body: () throws -> Void) -> Effect {
        switch context.attempt(body) {
        case .success:
            loadError = nil
            startCount(announce: false)
            return .none
        case .failure(let e): loadError = e.message; return .error(e.message)
        }
    }

    /// Starts counting a filter's matches when the listing has none yet.
    private func startCount(announce: Bool) {
        let q = window.query
        guard q.filter != nil, window.total == nil || announce else { return }
        if let c = countJob, c.query == q { if announce { countJob?.announce = true }; return }
        countJob?.job.cancel()
        countJob = (context.backend.countInBackground(q), q, announce)
    }

    public func reveal() { load { try window.reload() } }

    public var status: String? {
        let q = window.query
        var parts: [String] = []
        if importing, let s = fileImport?.snapshot {
            parts.append("importing \(s.percent)% · \(RowCount.grouped(s.rows)) stored")
        }
        if window.rows.isEmpty {
            parts.append(q.filter == nil ? "no records" : (countJob != nil ? "counting…" : "no match"))
        } else if let p = window.position {
            let at = RowCount.grouped(p)
            parts.append(window.total.map { "\(at)/\($0.label)" } ?? (countJob != nil ? "\(at)/…" : "row \(at)"))
        } else {
            parts.append("row ?")
        }
        if q.archived == .all { parts.append("+archived") }
        if let f = q.filter { parts.append("filter \(f)") }
        if q.sort != .inserted { parts.append(q.sort.label) }
        parts.append("\(currentColumn.key) \(columnCursor + 1)/\(columns.count)")
        if !marks.isEmpty { parts.append("\(marks.count) marked") }
        return parts.joined(separator: " · ")
    }

    public var isBusy: Bool { job != nil || countJob != nil || importing }

    /// The file import feeding this type, while it runs (and until its end has been announced).
    private var fileImport: ImportProgress? {
        guard let p = context.backend.fileImport, p.typeKey == type.key else { return nil }
        return p
    }
    private var importing: Bool { fileImport != nil && !importAnnounced }
    private var importRowsSeen = -1
    private var importAnnounced = false

    /// Follows the file import: the rows on screen and the count grow as batches commit.
    private func followImport() -> Bool {
        guard let p = fileImport, !importAnnounced else { return false }
        let s = p.snapshot
        guard s.rows != importRowsSeen || s.finished || s.failure != nil else { return false }
        importRowsSeen = s.rows
        let wasEmpty = window.rows.isEmpty
        load { try (wasEmpty ? window.loadFirst() : window.reload()) }
        if !savedColumns && (wasEmpty || columns.count <= 1) { columns = defaultColumns() }
        if let failure = s.failure {
            importAnnounced = true
            pending = .error("import of \(p.fileName) stopped: \(failure); \(s.rows) rows imported")
        } else if s.finished {
            importAnnounced = true
            let refused = s.refused == 0 ? "" : "; \(s.refused) refused: " + s.errors.prefix(3).joined(separator: "; ")
            pending =
                s.refused == 0
                ? .message("imported \(s.rows) rows from \(p.fileName) in \(Self.seconds(s.seconds))")
                : .error("imported \(s.rows) rows from \(p.fileName)\(refused)")
        }
        return true
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "move", hint: true, short: "move") { [unowned self] in
                load { try window.move(by: 1) }
            },
            KeyBinding([.char("k"), .up], "k/↑", "up") { [unowned self] in load { try window.move(by: -1) } },
            KeyBinding([.char("h"), .left], "h/l", "column left / right", hint: true, short: "column") {
                [unowned self] in moveColumn(-1)
            },
            KeyBinding([.char("l"), .right], "l/→", "column right") { [unowned self] in moveColumn(1) },
            KeyBinding([.char("0")], "0", "first column") { [unowned self] in
                columnCursor = 0; return .none
            },
            KeyBinding([.char("$")], "$", "last column") { [unowned self] in
                columnCursor = max(0, columns.count - 1); return .none
            },
            KeyBinding([.pageDown, .ctrl("f")], "pgdn/ctrl-f", "page down") { [unowned self] in
                load { try window.move(by: visibleRows) }
            },
            KeyBinding([.pageUp, .ctrl("b")], "pgup/ctrl-b", "page up") { [unowned self] in
                load { try window.move(by: -visibleRows) }
            },
            KeyBinding([.char("g"), .home], "g/home", "first row") { [unowned self] in load { try window.loadFirst() }
            },
            KeyBinding([.char("G"), .end], "G/end", "last row") { [unowned self] in load { try window.loadLast() } },
            KeyBinding([.enter], "enter", "open the record", hint: true, short: "open") { [unowned self] in open() },
            KeyBinding(
                [.char("/")], "/",
                "filter: a name or identifier prefix, ~text, $.path = value (!= < <= > >=), $.path is null",
                hint: true, short: "filter"
            ) { [unowned self] in
                filterInput = ""; return .none
            },
            KeyBinding([.char("[")], "[ ]", "sort by this column ascending / descending", hint: true, short: "sort") {
                [unowned self] in
                sort(descending: false)
            },
            KeyBinding([.char("]")], "]", "sort by this column descending") { [unowned self] in sort(descending: true)
            },
            KeyBinding([.char("s")], "s", "sort: this column ↑, ↓, then insertion order (on the name: the old cycle)") {
                [unowned self] in
                cycleSort()
            },
            KeyBinding([.char("F")], "F", "frequency of this column's values", hint: true, short: "frequency") {
                [unowned self] in frequency()
            },
            KeyBinding(
                [.char("C")], "C", "choose, hide and reorder columns (saved per type)", hint: true, short: "columns"
            ) { [unowned self] in
                .push(
                    ColumnPickerView(context: context, type: type, columns: columns, sample: window.rows.map(\.record))
                    { [unowned self] chosen in
                        setColumns(chosen)
                    })
            },
            KeyBinding([.char("y")], "y", "copy this cell's value", hint: true, short: "copy") { [unowned self] in
                guard let r = window.current?.record else { return .none }
                guard let v = currentColumn.value(of: r) else {
                    return .error("not copied: \(currentColumn.key) is empty here")
                }
                return context.copy(v.plainText, what: currentColumn.key)
            },
            KeyBinding([.char("Y")], "Y", "copy this column's key (its JSONPath)") { [unowned self] in
                context.copy(currentColumn.key, what: "the column key")
            },
            KeyBinding([.ctrl("y")], "ctrl-y", "copy the record's JSON") { [unowned self] in
                guard let r = window.current?.record else { return .none }
                return context.copy(r.json.prettyText, what: "the record's JSON")
            },
            KeyBinding([.char("a")], "a", "show / hide archived records", hint: true, short: "archived") {
                [unowned self] in toggleArchived()
            },
            KeyBinding([.char(" ")], "space", "mark / unmark (archive, restore and :export act on marks)") {
                [unowned self] in toggleMark()
            },
            KeyBinding([.char("c")], "c", "clear marks") { [unowned self] in
                marks = []; return .none
            },
            KeyBinding([.char("D")], "D", "archive the selected or marked records") { [unowned self] in
                setArchived(true)
            },
            KeyBinding([.char("R")], "R", "restore the selected or marked records") { [unowned self] in
                setArchived(false)
            },
            KeyBinding([.char("u")], "u", "undo the last bulk archive or restore (one batch)") { [unowned self] in
                undoBatch()
            },
            KeyBinding([.char("e")], "e", "edit the record's JSON") { [unowned self] in
                guard let r = window.current?.record else { return .none }
                if let refusal = context.refusal("edit") ?? refusalOfFileLine("edited") { return refusal }
                return .push(EditorView(context: context, record: r))
            },
            KeyBinding([.char("d")], "d", "duplicates: find and merge", hint: true, short: "dupes") { [unowned self] in
                let view = DuplicatesView(context: context, type: type)
                guard let note = partialNote("the scan covers") else { return .push(view) }
                return .all([.push(view), .message(note)])
            },
            KeyBinding([.char("p")], "p", "compose an upsert for this type", hint: true, short: "upsert") {
                [unowned self] in
                .push(ComposerView(context: context, type: type.key))
            },
            KeyBinding([.char("P")], "P", "compose an upsert from the selected record") { [unowned self] in
                guard let r = window.current?.record else { return .none }
                return .push(ComposerView(context: context, type: type.key, from: r, objectType: type))
            },
            KeyBinding([.ctrl("r")], "ctrl-r", "reload") { [unowned self] in load { try window.reload() } },
        ]
    }

    public func handle(_ key: Key) -> Effect {
        if job != nil, key == .escape { return cancelJob() }
        guard filterInput != nil else { return dispatch(key) }
        return LineInput.edit(&filterInput, key, submit: applyFilter)
    }

    /// Applies filter text: `~text` looks in the current column when it is a data column.
    func applyFilter(_ text: String) -> Effect {
        let parsed = Result { () throws(RecordFilterError) -> RecordFilter? in try RecordFilter.parse(text) }
        switch parsed {
        case .failure(let e): return .error("filter: \(e)")
        case .success(var f):
            if case .contains(let needle, nil)? = f, currentColumn != .name, let target = currentColumn.filterTarget {
                f = .contains(needle, target)
            }
            return setFilter(f)
        }
    }

    /// Shows the rows `filter` matches (nil: all), with their count.
    func setFilter(_ filter: RecordFilter?) -> Effect {
        var q = window.query
        q.filter = filter
        let e = load { try window.reset(q) }
        guard case .none = e, let filter else { return e }
        // The count follows from the background; it says how many match when it arrives.
        startCount(announce: true)
        return .message("counting the records that match \(filter)…")
    }

    private func moveColumn(_ d: Int) -> Effect {
        columnCursor = max(0, min(columns.count - 1, columnCursor + d))
        return .none
    }

    private func cycleSort() -> Effect {
        guard currentColumn != .name, let column = currentColumn.sortColumn else {
            // On the name: oldest, newest, A→Z, Z→A.
            let next = window.query.sort.next
            guard let column = next.column else { return applySort(next) }
            return sort(column, descending: next.descending)
        }
        let s = window.query.sort
        if s.column == column { return s.descending ? applySort(.inserted) : sort(descending: true) }
        return sort(descending: false)
    }

    /// Sorts by the current column.
    private func sort(descending: Bool) -> Effect {
        guard let column = currentColumn.sortColumn else {
            return .error("\(currentColumn.key) cannot be sorted; sort by name, external_id, updated or a data column")
        }
        return sort(column, descending: descending)
    }

    /// Sorts by `column`, which first gets its index (built once, in the background).
    private func sort(_ column: SortColumn, descending: Bool) -> Effect {
        let sort = RecordSort(column, descending: descending)
        switch context.attempt({ try context.backend.hasSortIndex(column) }) {
        case .failure(let e): return .error(e.message)
        case .success(true): return applySort(sort)
        case .success(false):
            if context.readOnly {
                return .all([
                    applySort(sort), .message("read-only: sorted without an index (each page scans the type)"),
                ])
            }
            job = .sortIndex(context.backend.buildSortIndex(column), sort, started: Date())
            return .message("building an index on \(column) so it pages quickly (once; it is kept) — esc cancels")
        }
    }

    private func applySort(_ sort: RecordSort) -> Effect {
        var q = window.query
        q.sort = sort
        return load { try window.reset(q) }
    }

    private func frequency() -> Effect {
        guard currentColumn.filterTarget != nil else {
            return .error("frequency works on the name, external_id and data columns, not \(currentColumn.key)")
        }
        let view = FrequencyView(context: context, type: type, column: currentColumn, query: window.query) {
            [unowned self] filter in
            setFilter(filter)
        }
        guard let note = partialNote("these counts cover") else { return .push(view) }
        return .all([.push(view), .message(note)])
    }

    /// While the file import runs, what a view over the store sees: "still importing: <what> the N rows
    /// stored so far".
    private func partialNote(_ what: String) -> String? {
        guard importing, let s = fileImport?.snapshot else { return nil }
        return "still importing: \(what) the \(RowCount.grouped(s.rows)) rows stored so far"
    }

    private func setColumns(_ chosen: [GridColumn]) -> Effect {
        columns = chosen
        columnCursor = min(columnCursor, columns.count - 1)
        savedColumns = true
        do {
            try context.viewSettings.saveColumns(columns.map(\.key), for: type.key)
            return .message("columns of \(type.key) saved: \(columns.map(\.key).joined(separator: ", "))")
        } catch {
            return .error("columns shown but not saved: \(error)")
        }
    }

    /// `:export PATH`: the marked records, else the grid's rows (filter and order applied), as JSONL or CSV.
    public func export(to path: String) -> Effect {
        guard job == nil else { return .error("busy: wait for the current work or press esc") }
        if importing, let p = fileImport {
            // An export now would silently hold only part of the file.
            let s = p.snapshot
            return .error(
                "still importing \(p.fileName) (\(s.percent)%, \(RowCount.grouped(s.rows)) rows stored): "
                    + "export once the import is done; nothing written")
        }
        let ids =
            marks.isEmpty
            ? nil
            : window.rows.map(\.record.id).filter(marks.contains)
                + marks.subtracting(window.rows.map(\.record.id)).sorted()
        job = .export(context.backend.export(window.query, ids: ids, columns: columns, to: path), path)
        return .message("exporting \(ids.map { "\($0.count) marked records" } ?? "the grid") to \(path)…")
    }

    private func cancelJob() -> Effect {
        switch job {
        case .sortIndex(let j, _, _)?: j.cancel()
        case .export(let j, _)?: j.cancel()
        case nil: break
        }
        return .message("cancelling…")
    }

    public func tick() -> Bool {
        var changed = followImport()
        if let c = countJob, let outcome = c.job.outcome {
            countJob = nil
            changed = true
            if case .done(let n) = outcome {
                window.countArrived(n, for: c.query)
                if c.announce, let filter = c.query.filter {
                    let one = n.value == 1 && !n.isCapped
                    pending = .message("\(n.label) record\(one ? " matches" : "s match") \(filter)")
                }
            } else if case .failed(let m) = outcome {
                pending = .error("count: \(m)")
            }
        }
        switch job {
        case nil: return changed || countJob != nil
        case .sortIndex(let j, let sort, _)?:
            guard let outcome = j.outcome else { return true }
            job = nil
            switch outcome {
            case .done(let seconds):
                pending = applySort(sort)
                if case .none = pending! {
                    pending = .message("sorted by \(sort.label); index built in \(Self.seconds(seconds)) and kept")
                }
            case .cancelled:
                pending = .message("index build cancelled; the order is unchanged, nothing was left behind")
            case .failed(let m): pending = .error("index build failed: \(m)")
            }
        case .export(let j, let path)?:
            guard let outcome = j.outcome else { return true }
            job = nil
            switch outcome {
            case .done(let s):
                pending = .message("exported \(s.rows) row\(s.rows == 1 ? "" : "s") to \(s.path) (\(s.format))")
            case .cancelled: pending = .message("export cancelled; \(path) was not written")
            case .failed(let m): pending = .error(m)
            }
        }
        return true
    }

    /// What a finished background job has to say, taken by the app after `tick`.
    private var pending: Effect?
    public func takeEffect() -> Effect? { defer { pending = nil }; return pending }

    static func seconds(_ s: Double) -> String { s < 1 ? "\(Int(s * 1000)) ms" : "\((s * 10).rounded() / 10) s" }

    private func toggleArchived() -> Effect {
        var q = window.query
        q.archived = q.archived == .active ? .all : .active
        let e = load { try window.reset(q) }
        if !savedColumns { columns = defaultColumns(); columnCursor = min(columnCursor, columns.count - 1) }
        if case .none = e {
            return .message(q.archived == .all ? "showing archived records (dimmed)" : "hiding archived records")
        }
        return e
    }

    /// Refuses `action` on a row that is still only a line of the file being opened (not yet a record).
    private func refusalOfFileLine(_ action: String) -> Effect? {
        guard let line = window.current?.fileLine else { return nil }
        let done = fileImport.map { " (\($0.snapshot.percent)% imported)" } ?? ""
        return .error("line \(line) is not imported yet\(done): it can be \(action) once the import reaches it")
    }

    private func toggleMark() -> Effect {
        if let refusal = refusalOfFileLine("marked") { return refusal }
        guard let id = window.current?.record.id else { return .none }
        if marks.contains(id) { marks.remove(id) } else { marks.insert(id) }
        return load { try window.move(by: 1) }
    }

    private func open() -> Effect {
        if let refusal = refusalOfFileLine("opened") { return refusal }
        guard let r = window.current?.record else { return .none }
        return .push(RecordView(context: context, record: r, type: type))
    }

    /// Archives (or restores) the marked records, or the selected one, after confirmation; one transaction.
    private func setArchived(_ archive: Bool) -> Effect {
        let targets: [Record]
        if marks.isEmpty {
            if let refusal = refusalOfFileLine(archive ? "archived" : "restored") { return refusal }
            guard let r = window.current?.record else { return .none }
            targets = [r]
        } else {
            // Refuse before reading the marked records.
            if let refusal = context.refusal(archive ? "archive" : "restore") { return refusal }
            var found: [Record] = []
            for id in marks.sorted() {
                switch context.attempt({ try context.backend.record(id: id) }) {
                case .success(let r?): found.append(r)
                case .success(nil): break
                case .failure(let e): return .error(e.message)
                }
            }
            targets = found
        }
        let count = targets.filter { $0.archived != archive }.count
        return ArchiveAction.confirm(context: context, type: type.key, records: targets, archive: archive) {
            [unowned self] batch in
            marks = []
            lastBatch = (batch, archive ? "archive" : "restore", count)
            load { try window.reload() }
        }
    }

    /// Undoes the last bulk archive or restore as one batch, after confirmation.
    private func undoBatch() -> Effect {
        if let refusal = context.refusal("undo") { return refusal }
        guard let last = lastBatch else {
            return .message("nothing to undo here: u undoes this view's last archive or restore")
        }
        let noun = "\(last.count) record\(last.count == 1 ? "" : "s")"
        let lines: [StyledLine] = [
            [Span("Writes back the state before the \(last.verb) of \(noun), in one transaction.", CellStyle(.dim))],
            [Span("Refused as a whole if any of them changed since.", CellStyle(.dim))],
        ]
        return .confirm(
            Confirmation(title: "Undo the \(last.verb) of \(noun)?", lines: lines) { [unowned self] in
                switch context.attempt({ try context.backend.undoBatch(last.id) }) {
                case .failure(let e): return .error("undo: \(e.message)")
                case .success(let records):
                    lastBatch = nil
                    load { try window.reload() }
                    return .message("undid the \(last.verb) of \(records.count) record\(records.count == 1 ? "" : "s")")
                }
            })
    }

    // MARK: Rendering

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        var area = area
        if let text = filterInput {
            Widgets.bottomInput(
                "/" + text, hint: "  prefix · ~text · $.path > 10 · $.path is null — enter applies, esc cancels",
                into: &buffer, area: &area)
        } else if let job {
            renderJob(job, into: &buffer, row: area.bottom - 1, area: area)
            area.height -= 1
        }
        if let loadError {
            buffer.put(TextLayout.fit(loadError, area.width), row: area.row, column: 0, style: CellStyle(.error));
            return
        }
        visibleRows = max(1, area.height - 1)
        window.offset = Table.scroll(offset: window.offset, selected: window.cursor, visible: visibleRows)
        // No blank rows below the last record while records are scrolled out above (a restored record above the
        // cursor, say): the window slides down as far as the screen has room.
        if window.atEnd { window.offset = max(0, min(window.offset, window.rows.count - visibleRows)) }
        let shown = Array(window.rows.indices.dropFirst(window.offset).prefix(visibleRows))
        // Under a prefix filter a MATCHED column names the identifier each row matched on (a name match is
        // already in view, so the column shows only when some row matched an identifier).
        let prefixFiltered: Bool = {
            guard case .prefix = window.query.filter else { return false }
            return shown.contains { window.rows[$0].matched.map { !$0.hasPrefix("name ") } ?? false }
        }()
        // A file's line has no id or update time yet: those cells stay empty until the import stores it.
        var cells = shown.map { i in
            columns.map { c in
                window.rows[i].fileLine != nil && (c == .id || c == .updated) ? "" : c.text(of: window.rows[i].record)
            }
        }
        var headers = columns.map(\.header)
        var numeric = columns.map { c in
            let values = shown.compactMap { c.value(of: window.rows[$0].record) }
            return !values.isEmpty && values.allSatisfy(GridColumn.isNumeric)
        }
        if prefixFiltered {
            // Under a prefix filter each row names what matched, after the name.
            headers.insert("MATCHED", at: 1)
            for (n, i) in shown.enumerated() { cells[n].insert(window.rows[i].matched ?? "", at: 1) }
            numeric.insert(false, at: 1)
        }
        let cursor = prefixFiltered && columnCursor >= 1 ? columnCursor + 1 : columnCursor
        let layout = GridLayout.make(
            headers: headers, cells: cells, numeric: numeric, width: area.width, cursor: cursor,
            first: prefixFiltered ? firstScrolled + 1 : firstScrolled)
        firstScrolled = prefixFiltered ? max(1, layout.first - 1) : layout.first
        // Header row: the cursor's column highlighted; arrows where columns are scrolled out of view.
        for p in layout.placed {
            let isCursor = p.index == cursor
            buffer.put(
                TextLayout.pad(headers[p.index], p.width, right: p.rightAligned), row: area.row,
                column: area.column + p.x,
                style: CellStyle(isCursor ? .selected : .header, bold: true))
        }
        if layout.hiddenLeft, let second = layout.placed.dropFirst().first {
            buffer.put("◀", row: area.row, column: area.column + second.x - 1, style: CellStyle(.accent, bold: true))
        }
        if layout.hiddenRight {
            buffer.put("▶", row: area.row, column: area.right - 1, style: CellStyle(.accent, bold: true))
        }
        if window.rows.isEmpty {
            let text = window.query.filter.map { "No records match \($0)." } ?? "No records."
            buffer.put(text, row: area.row + 1, column: 2, maxWidth: area.width - 2, style: CellStyle(.dim))
            return
        }
        for (n, i) in shown.enumerated() {
            let row = area.row + 1 + n
            let r = window.rows[i].record
            let selected = i == window.cursor
            var style = CellStyle()
            if marks.contains(r.id) {
                style = CellStyle(.marked, bold: true)
            } else if window.rows[i].problem != nil {
                style = CellStyle(.error)
            } else if r.archived {
                style = CellStyle(.dim, dim: true)
            }
            if selected { style = CellStyle(.selected, bold: style.bold) }
            buffer.fill(row: row, column: area.column, width: area.width, style: style)
            buffer.put(selected ? ">" : " ", row: row, column: area.column, style: style)
            buffer.put(marks.contains(r.id) ? "*" : " ", row: row, column: area.column + 1, style: style)
            for p in layout.placed {
                let cellStyle = selected && p.index == cursor ? CellStyle(.cursor, bold: true) : style
                buffer.put(
                    TextLayout.pad(cells[n][p.index], p.width, right: p.rightAligned), row: row,
                    column: area.column + p.x,
                    style: cellStyle)
            }
        }
    }

    private func renderJob(_ job: ViewJob, into buffer: inout ScreenBuffer, row: Int, area: Rect) {
        buffer.fill(row: row, column: area.column, width: area.width, style: CellStyle(.accent))
        var col = area.column + 1
        let label: String
        switch job {
        case .sortIndex(_, let s, let started):
            let seconds = Int(Date().timeIntervalSince(started))
            label = "building an index for sorting by \(s.column.map(\.description) ?? "?") (once; kept)… \(seconds) s"
        case .export(let j, let path):
            col = Widgets.progressBar(j.progress.fraction, into: &buffer, row: row, column: col, width: 20)
            label = " exporting to \(path): \(j.progress.phase)"
        }
        buffer.put(
            label + " — esc cancels", row: row, column: col, maxWidth: area.right - col, style: CellStyle(.accent))
    }
}
