import RecordCore
import TerminalScreen

/// The records of one type: a virtualized, keyset-paged list with archived rows dimmed, a `/` filter,
/// sort orders, marks, and archive / restore of the selected or marked records.
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

    public init(context: AppContext, type: ObjectType) {
        self.context = context
        self.type = type
        window = RecordWindow(backend: context.backend, query: RecordQuery(type: type.key))
        load { try window.loadFirst() }
    }

    public var typeKey: String { type.key }
    public var title: String { type.key }
    public var capturesText: Bool { filterInput != nil }

    @discardableResult
    private func load(_ body: () throws -> Void) -> Effect {
        switch context.attempt(body) {
        case .success: loadError = nil; return .none
        case .failure(let e): loadError = e.message; return .error(e.message)
        }
    }

    public func reveal() { load { try window.reload() } }

    public var status: String? {
        let q = window.query
        var parts: [String] = []
        if let p = window.position { parts.append(window.total.map { "\(p)/\($0)" } ?? "row \(p)") }
        else if window.current != nil { parts.append("row ?") }
        if q.archived == .all { parts.append("+archived") }
        if let f = q.filter { parts.append("filter \(f)") }
        parts.append(q.sort.label)
        if !marks.isEmpty { parts.append("\(marks.count) marked") }
        return parts.joined(separator: " · ")
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "move", hint: true) { [unowned self] in load { try window.move(by: 1) } },
            KeyBinding([.char("k"), .up], "k/↑", "up") { [unowned self] in load { try window.move(by: -1) } },
            KeyBinding([.pageDown, .ctrl("f")], "pgdn/ctrl-f", "page down") { [unowned self] in load { try window.move(by: visibleRows) } },
            KeyBinding([.pageUp, .ctrl("b")], "pgup/ctrl-b", "page up") { [unowned self] in load { try window.move(by: -visibleRows) } },
            KeyBinding([.char("g"), .home], "g", "first row") { [unowned self] in load { try window.loadFirst() } },
            KeyBinding([.char("G"), .end], "G", "last row") { [unowned self] in load { try window.loadLast() } },
            KeyBinding([.enter, .char("l"), .right], "enter", "open the record", hint: true) { [unowned self] in open() },
            KeyBinding([.char("/")], "/", "filter: identifier or name prefix, or `$.path = value`", hint: true) { [unowned self] in
                filterInput = ""; return .none
            },
            KeyBinding([.char("a")], "a", "show / hide archived records", hint: true) { [unowned self] in toggleArchived() },
            KeyBinding([.char("s")], "s", "sort: oldest, newest, name A→Z, name Z→A", hint: true) { [unowned self] in
                var q = window.query; q.sort = q.sort.next
                return load { try window.reset(q) }
            },
            KeyBinding([.char(" ")], "space", "mark / unmark (archive and restore act on marks)") { [unowned self] in toggleMark() },
            KeyBinding([.char("c")], "c", "clear marks") { [unowned self] in marks = []; return .none },
            KeyBinding([.char("D")], "D", "archive the selected or marked records") { [unowned self] in setArchived(true) },
            KeyBinding([.char("R")], "R", "restore the selected or marked records") { [unowned self] in setArchived(false) },
            KeyBinding([.char("e")], "e", "edit the record's JSON") { [unowned self] in
                guard let r = window.current?.record else { return .none }
                if let refusal = context.refusal("edit") { return refusal }
                return .push(EditorView(context: context, record: r))
            },
            KeyBinding([.char("d")], "d", "duplicates: find and merge", hint: true) { [unowned self] in .push(DuplicatesView(context: context, type: type)) },
            KeyBinding([.char("p")], "p", "compose an upsert for this type", hint: true) { [unowned self] in
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
        guard var text = filterInput else { return dispatch(key) }
        switch key {
        case .escape: filterInput = nil
        case .enter:
            filterInput = nil
            let parsed = Result { () throws(RecordFilterError) -> RecordFilter? in try RecordFilter.parse(text) }
            switch parsed {
            case .failure(let e): return .error("filter: \(e.message)")
            case .success(let f):
                var q = window.query; q.filter = f
                return load { try window.reset(q) }
            }
        case .backspace:
            if text.isEmpty { filterInput = nil } else { text.removeLast(); filterInput = text }
        case .char(let c): text.append(c); filterInput = text
        default: break
        }
        return .none
    }

    private func toggleArchived() -> Effect {
        var q = window.query
        q.archived = q.archived == .active ? .all : .active
        let e = load { try window.reset(q) }
        if case .none = e { return .message(q.archived == .all ? "showing archived records (dimmed)" : "hiding archived records") }
        return e
    }

    private func toggleMark() -> Effect {
        guard let id = window.current?.record.id else { return .none }
        if marks.contains(id) { marks.remove(id) } else { marks.insert(id) }
        return load { try window.move(by: 1) }
    }

    private func open() -> Effect {
        guard let r = window.current?.record else { return .none }
        return .push(RecordView(context: context, record: r, type: type))
    }

    /// Archives (or restores) the marked records, or the selected one, after confirmation; one transaction.
    private func setArchived(_ archive: Bool) -> Effect {
        let targets: [Record]
        if marks.isEmpty {
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
        return ArchiveAction.confirm(context: context, type: type.key, records: targets, archive: archive) { [unowned self] in
            marks = []
            load { try window.reload() }
        }
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        var area = area
        if let text = filterInput {
            buffer.fill(row: area.bottom - 1, column: 0, width: area.width, style: CellStyle(.accent))
            buffer.put("/" + text + "█   (prefix of an identifier or name, or $.path = value; enter applies, esc cancels)",
                       row: area.bottom - 1, column: 0, maxWidth: area.width, style: CellStyle(.accent))
            area.height -= 1
        }
        if let loadError { buffer.put(TextLayout.fit(loadError, area.width), row: area.row, column: 0, style: CellStyle(.error)) ; return }
        visibleRows = max(1, area.height - 1)
        if window.rows.isEmpty {
            buffer.put(window.query.filter == nil ? "No records." : "No records match \(window.query.filter!).", row: area.row + 1, column: 2, maxWidth: area.width - 2, style: CellStyle(.dim))
            return
        }
        let ids = type.identifiers.filter { $0.source != .name }.prefix(2)
        var columns = [Column("", 1), Column("NAME", 0)]
        columns += ids.map { Column($0.name.uppercased(), 22) }
        let prefixFiltered: Bool = { if case .prefix = window.query.filter { return true } else { return false } }()
        if prefixFiltered { columns.append(Column("MATCHED", 24)) }
        if window.query.archived != .active { columns.append(Column("STATE", 8)) }
        columns += [Column("UPDATED", 24), Column("V", 3, right: true)]
        let rows: [[String]] = window.rows.map { row in
            let r = row.record
            var cells = [marks.contains(r.id) ? "*" : "", r.name ?? "(\(r.id))"]
            cells += ids.map { id in id.rawValue(name: r.name, externalID: r.externalID, data: r.data)?.plainText ?? "" }
            if prefixFiltered { cells.append(row.matched ?? "") }
            if window.query.archived != .active { cells.append(r.archived ? "archived" : "active") }
            cells += [Timestamp.format(r.updatedAt), String(r.version)]
            return cells
        }
        window.offset = Table.scroll(offset: window.offset, selected: window.cursor, visible: visibleRows)
        Table.draw(into: &buffer, area: area, columns: columns, rows: rows, selected: window.cursor, offset: window.offset) { [window, marks] i in
            let r = window.rows[i].record
            if marks.contains(r.id) { return CellStyle(.marked, bold: true) }
            return r.archived ? CellStyle(.dim, dim: true) : CellStyle()
        }
    }
}
