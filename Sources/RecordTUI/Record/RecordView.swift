import RecordCore
import TerminalScreen

/// One record: its metadata, its data as a foldable JSON tree (the cursor's JSONPath in the status bar)
/// and its revisions; edit, archive / restore and undo from here.
public final class RecordView: View {
    let context: AppContext
    let type: ObjectType
    public private(set) var record: Record
    /// The tree and its visible lines, recomputed only when the tree or its folding changes.
    private var tree: JSONTree { didSet { lines = tree.lines() } }
    private var lines: [JSONTree.Line]
    private var cursor = 0
    private var offset = 0
    private var showingRevisions = false
    private var revisions: [Revision] = []
    private var revisionCursor = 0
    private var visible = 10
    /// The search being typed after `/`, when open; the last search and where its matches are.
    private var searchInput: String?
    private var search: String?
    private var searchMatches: [JSONPath] = []
    private var searchIndex = 0
    /// The records this one links to (parent, children, associations), and whether the cursor is in them.
    private var links: [(relation: String, id: String, record: Record?)] = []
    private var inLinks = false
    private var linkCursor = 0

    public init(context: AppContext, record: Record, type: ObjectType) {
        self.context = context; self.record = record; self.type = type
        tree = JSONTree(root: record.data)
        lines = tree.lines()
        loadLinks()
    }

    /// Reads the parent, the children and the associated records (each a link `enter` follows).
    private func loadLinks() {
        var out: [(String, String, Record?)] = []
        func fetch(_ id: String) -> Record? { (try? context.backend.record(id: id)) ?? nil }
        if let p = record.parentID { out.append(("parent", p, fetch(p))) }
        if case .success(let children) = context.attempt({ try context.backend.children(of: record.id) }) {
            out += children.map { ("child", $0.id, $0) }
        }
        out += record.associations.map { ("associated", $0, fetch($0)) }
        if case .success(let others) = context.attempt({ try context.backend.associated(to: record.id) }) {
            out += others.filter { !record.associations.contains($0.id) }.map { ("associated", $0.id, $0) }
        }
        if let m = record.mergedInto { out.append(("merged into", m, fetch(m))) }
        links = out
        linkCursor = min(linkCursor, max(0, links.count - 1))
        if links.isEmpty { inLinks = false }
    }

    public var title: String { record.name ?? record.id }

    public func reveal() { reload() }

    /// Re-reads the record (after an edit, an undo, another process's write).
    func reload() {
        if case .success(let r?) = context.attempt({ try context.backend.record(id: record.id) }) {
            record = r
            var next = JSONTree(root: r.data)
            next.folded = tree.folded
            tree = next
            cursor = min(cursor, max(0, lines.count - 1))
            loadLinks()
        }
        if showingRevisions { loadRevisions() }
    }

    private func loadRevisions() {
        if case .success(let h) = context.attempt({ try context.backend.history(recordID: record.id) }) {
            revisions = h.reversed()
            revisionCursor = min(revisionCursor, max(0, revisions.count - 1))
        }
    }

    /// The JSONPath under the cursor.
    public var currentPath: JSONPath {
        lines.indices.contains(cursor) ? lines[cursor].path : .root
    }

    public var status: String? {
        if showingRevisions { return "revision \(revisionCursor + 1)/\(revisions.count)" }
        if inLinks { return "link \(linkCursor + 1)/\(links.count)" }
        guard let search else { return currentPath.description }
        let where_ = searchMatches.isEmpty ? "no match" : "match \(searchIndex + 1)/\(searchMatches.count)"
        return currentPath.description + " · /\(search) \(where_)"
    }

    public var capturesText: Bool { searchInput != nil }

    public func handle(_ key: Key) -> Effect {
        guard searchInput != nil else {
            if inLinks, let e = handleLinkKey(key) { return e }
            return dispatch(key)
        }
        return LineInput.edit(&searchInput, key, submit: find)
    }

    private func handleLinkKey(_ key: Key) -> Effect? {
        switch key {
        case .char("j"), .down: linkCursor = min(links.count - 1, linkCursor + 1); return Effect.none
        case .char("k"), .up: linkCursor = max(0, linkCursor - 1); return Effect.none
        case .enter: return follow()
        case .char("y"):
            return links.indices.contains(linkCursor)
                ? context.copy(links[linkCursor].id, what: "the linked record's id") : Effect.none
        default: return nil
        }
    }

    /// Opens the linked record under the link cursor.
    private func follow() -> Effect {
        guard links.indices.contains(linkCursor) else { return .none }
        let link = links[linkCursor]
        guard let r = link.record else { return .error("\(link.relation) \(link.id) does not exist (a dangling link)") }
        switch context.attempt({ try context.backend.objectType(r.type) }) {
        case .success(let t?): return .push(RecordView(context: context, record: r, type: t))
        case .success(nil): return .error("unknown type \(r.type)")
        case .failure(let e): return .error(e.message)
        }
    }

    /// Searches keys and values (case-insensitively) and goes to the first match at or after the cursor.
    private func find(_ text: String) -> Effect {
        guard !text.isEmpty else { search = nil; searchMatches = []; return .none }
        search = text
        let needle = text.lowercased()
        var found: [JSONPath] = []
        func walk(_ v: JSONValue, _ path: JSONPath, key: String?) {
            let keyHit = key?.lowercased().contains(needle) ?? false
            switch v {
            case .object(let o):
                if keyHit { found.append(path) }
                for k in o.keys.sorted() { walk(o[k]!, path.appending(.key(k)), key: k) }
            case .array(let a):
                if keyHit { found.append(path) }
                for (i, e) in a.enumerated() { walk(e, path.appending(.index(i)), key: nil) }
            default:
                if keyHit || v.plainText.lowercased().contains(needle) { found.append(path) }
            }
        }
        walk(record.data, .root, key: nil)
        searchMatches = found
        guard !found.isEmpty else { return .error("/\(text): no key or value matches") }
        let here = lines.indices.contains(cursor) ? lines[cursor].path : .root
        let order = lines.map(\.path)
        searchIndex =
            found.firstIndex { p in (order.firstIndex(of: p) ?? Int.max) >= (order.firstIndex(of: here) ?? 0) } ?? 0
        return goToMatch()
    }

    /// Moves to the current match, unfolding what hides it.
    private func goToMatch() -> Effect {
        guard searchMatches.indices.contains(searchIndex) else { return .none }
        let target = searchMatches[searchIndex]
        var unfolded = tree.folded
        for n in 0..<target.segments.count { unfolded.remove(JSONPath(segments: Array(target.segments.prefix(n)))) }
        if unfolded != tree.folded { tree.folded = unfolded }
        cursor = lines.firstIndex { $0.path == target && !$0.isClosing } ?? cursor
        return .message("match \(searchIndex + 1)/\(searchMatches.count): \(target)")
    }

    private func nextMatch(_ d: Int) -> Effect {
        guard !searchMatches.isEmpty else {
            return .message(search == nil ? "/ searches keys and values first" : "no match")
        }
        searchIndex = (searchIndex + d + searchMatches.count) % searchMatches.count
        return goToMatch()
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "move", hint: true, short: "move") { [unowned self] in move(1) },
            KeyBinding([.char("k"), .up], "k/↑", "up") { [unowned self] in move(-1) },
            KeyBinding([.pageDown, .ctrl("f")], "pgdn", "page down") { [unowned self] in move(visible) },
            KeyBinding([.pageUp, .ctrl("b")], "pgup", "page up") { [unowned self] in move(-visible) },
            KeyBinding([.char("g"), .home], "g", "top") { [unowned self] in move(-Int.max / 2) },
            KeyBinding([.char("G"), .end], "G", "bottom") { [unowned self] in move(Int.max / 2) },
            KeyBinding([.char(" "), .enter], "space", "fold / unfold", hint: true, short: "fold") { [unowned self] in
                toggle()
            },
            KeyBinding([.char("h"), .left], "h/←", "fold, or go to the parent") { [unowned self] in foldOrParent() },
            KeyBinding([.char("l"), .right], "l/→", "unfold") { [unowned self] in setFolded(currentPath, false) },
            KeyBinding([.char("-")], "-", "fold everything") { [unowned self] in
                tree.folded = Set(tree.containerPaths().filter { !$0.segments.isEmpty }); cursor = 0; return .none
            },
            KeyBinding([.char("+"), .char("=")], "+", "unfold everything") { [unowned self] in
                tree.folded = []; return .none
            },
            KeyBinding([.char("/")], "/", "search keys and values", hint: true, short: "search") { [unowned self] in
                searchInput = ""; return .none
            },
            KeyBinding([.char("n")], "n/N", "next / previous match") { [unowned self] in nextMatch(1) },
            KeyBinding([.char("N")], "N", "previous match") { [unowned self] in nextMatch(-1) },
            KeyBinding([.char("y")], "y", "copy the value under the cursor", hint: true, short: "copy") {
                [unowned self] in
                guard let v = currentPath.value(in: record.data) else { return .none }
                return context.copy(
                    v.objectValue != nil || v.arrayValue != nil ? v.prettyText : v.plainText,
                    what: currentPath.description)
            },
            KeyBinding([.char("Y")], "Y", "copy the JSONPath under the cursor") { [unowned self] in
                context.copy(currentPath.description, what: "the path")
            },
            KeyBinding([.ctrl("y")], "ctrl-y", "copy the record's JSON") { [unowned self] in
                context.copy(record.json.prettyText, what: "the record")
            },
            KeyBinding(
                [.tab], "tab", "links: parent, children, associations (enter opens)", hint: !links.isEmpty,
                short: "links"
            ) { [unowned self] in
                guard !links.isEmpty else { return .message("this record has no parent, children or associations") }
                inLinks.toggle()
                return .none
            },
            KeyBinding([.char("r")], "r", "revisions / data", hint: true, short: "revisions") { [unowned self] in
                showingRevisions.toggle()
                if showingRevisions { loadRevisions() }
                return .none
            },
            KeyBinding([.char("e")], "e", "edit inline", hint: true, short: "edit") { [unowned self] in edit() },
            KeyBinding([.char("E")], "E", "edit in $EDITOR") { [unowned self] in
                if let refusal = context.refusal("edit") { return refusal }
                if record.archived { return .error("record is archived: restore it (R) before editing") }
                let editor = EditorView(context: context, record: record)
                return .all([.push(editor), editor.openExternal()])
            },
            KeyBinding([.char("D")], "D", "archive") { [unowned self] in setArchived(true) },
            KeyBinding([.char("R")], "R", "restore") { [unowned self] in setArchived(false) },
            KeyBinding([.char("u")], "u", "undo the last change to this record", hint: true, short: "undo") {
                [unowned self] in undo()
            },
            KeyBinding([.char("P"), .char("p")], "p", "compose an upsert from this record") { [unowned self] in
                .push(ComposerView(context: context, type: type.key, from: record, objectType: type))
            },
            KeyBinding([.ctrl("r")], "ctrl-r", "reload") { [unowned self] in
                reload(); return .message("reloaded")
            },
        ]
    }

    private func move(_ d: Int) -> Effect {
        if showingRevisions {
            revisionCursor = max(
                0, min(revisions.count - 1, revisionCursor + max(-revisions.count, min(revisions.count, d))))
        } else {
            let n = lines.count
            cursor = max(0, min(n - 1, cursor + max(-n, min(n, d))))
        }
        return .none
    }

    private func toggle() -> Effect {
        let line = lines[cursor]
        guard tree.isContainer(line.value) else { return .none }
        return setFolded(line.path, !tree.folded.contains(line.path))
    }

    @discardableResult
    private func setFolded(_ path: JSONPath, _ fold: Bool) -> Effect {
        guard lines.indices.contains(cursor), tree.isContainer(lines[cursor].value) else { return .none }
        if fold { tree.folded.insert(path) } else { tree.folded.remove(path) }
        // Keep the cursor on the container's opening line.
        cursor = lines.firstIndex { $0.path == path && !$0.isClosing } ?? cursor
        return .none
    }

    private func foldOrParent() -> Effect {
        let line = lines[cursor]
        if tree.isContainer(line.value), !tree.folded.contains(line.path), !line.isClosing {
            return setFolded(line.path, true)
        }
        guard !line.path.segments.isEmpty else { return .none }
        let parent = JSONPath(segments: Array(line.path.segments.dropLast()))
        cursor = lines.firstIndex { $0.path == parent && !$0.isClosing } ?? cursor
        return .none
    }

    private func edit() -> Effect {
        if let refusal = context.refusal("edit") { return refusal }
        if record.archived { return .error("record is archived: restore it (R) before editing") }
        return .push(EditorView(context: context, record: record))
    }

    private func setArchived(_ archive: Bool) -> Effect {
        ArchiveAction.confirm(context: context, type: type.key, records: [record], archive: archive) {
            [unowned self] _ in reload()
        }
    }

    /// Undoes the record's newest revision, after showing what it puts back.
    private func undo() -> Effect {
        if let refusal = context.refusal("undo") { return refusal }
        let history: [Revision]
        switch context.attempt({ try context.backend.history(recordID: record.id) }) {
        case .failure(let e): return .error(e.message)
        case .success(let h): history = h
        }
        guard let rev = history.last else { return .message("nothing to undo") }
        let before = rev.before
        var lines: [StyledLine] = [
            [
                Span(
                    "revision \(rev.id): \(rev.op) by \(rev.source) at \(rev.at) (version \(rev.version))",
                    CellStyle(.dim))
            ]
        ]
        if let before {
            lines += Widgets.diffLines(Planner.diff(record, before))
            if before.archived != record.archived {
                lines.append([
                    Span(
                        before.archived ? "the record is archived again" : "the record becomes active again",
                        CellStyle(.warning))
                ])
            }
        } else {
            lines.append([
                Span(
                    "this revision created the record: undoing it archives the record (nothing is deleted)",
                    CellStyle(.warning))
            ])
        }
        return .confirm(
            Confirmation(title: "Undo the last change (\(rev.op))?", lines: lines) { [unowned self] in
                switch context.attempt({ try context.backend.undo(revision: rev.id) }) {
                case .failure(let e): return .error("undo: \(e.message)")
                case .success(let r): reload(); return .message("undone: \(rev.op) → now version \(r.version)")
                }
            })
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let meta = Widgets.metadataLines(record)
        let metaHeight = min(meta.count + 2, area.height / 2)
        let metaInner = Widgets.box(
            into: &buffer, Rect(row: area.row, column: area.column, width: area.width, height: metaHeight),
            title: "\(type.key) record" + (record.archived ? " — ARCHIVED" : ""))
        Widgets.lines(
            meta, into: &buffer,
            Rect(row: metaInner.row, column: metaInner.column + 1, width: metaInner.width - 1, height: metaInner.height)
        )
        var rest = Rect(
            row: area.row + metaHeight, column: area.column, width: area.width, height: area.height - metaHeight)
        if !links.isEmpty, !showingRevisions {
            let height = min(links.count + 2, max(3, rest.height / 3))
            let box = Rect(row: rest.row, column: rest.column, width: rest.width, height: height)
            renderLinks(into: &buffer, box)
            rest = Rect(row: rest.row + height, column: rest.column, width: rest.width, height: rest.height - height)
        }
        if showingRevisions { renderRevisions(into: &buffer, rest); return }
        if let text = searchInput {
            Widgets.input(
                "/" + text, hint: "  keys and values, any case — enter finds, n/N next/previous", into: &buffer,
                row: rest.bottom - 1, column: rest.column, width: rest.width, style: CellStyle(.accent))
            rest.height -= 1
        }
        let inner = Widgets.box(
            into: &buffer, rest, title: "data  (space folds, - / + all, / search, r revisions)", focused: !inLinks)
        visible = max(1, inner.height)
        offset = Table.scroll(offset: offset, selected: cursor, visible: visible)
        for (i, idx) in (offset..<min(lines.count, offset + visible)).enumerated() {
            let row = inner.row + i
            let isCursor = idx == cursor && !inLinks
            if isCursor {
                buffer.fill(row: row, column: inner.column, width: inner.width, style: CellStyle(.selected))
                buffer.put(">", row: row, column: inner.column, style: CellStyle(.selected))
            }
            var spans = tree.render(lines[idx])
            if isCursor { spans = spans.map { Span($0.text, CellStyle(.selected, bold: $0.style.bold)) } }
            Widgets.draw(spans, into: &buffer, row: row, column: inner.column + 1, width: inner.width - 1)
        }
    }

    private func renderLinks(into buffer: inout ScreenBuffer, _ rect: Rect) {
        let inner = Widgets.box(into: &buffer, rect, title: "links  (tab here, enter opens)", focused: inLinks)
        guard inner.height > 0 else { return }
        let offset = Table.scroll(offset: 0, selected: linkCursor, visible: inner.height)
        for (i, n) in (offset..<min(links.count, offset + inner.height)).enumerated() {
            let link = links[n], row = inner.row + i
            let selected = inLinks && n == linkCursor
            let base = selected ? CellStyle(.selected) : CellStyle()
            if selected { buffer.fill(row: row, column: inner.column, width: inner.width, style: base) }
            let name = link.record.map { ($0.name ?? $0.id) + ($0.archived ? " (archived)" : "") } ?? "(missing)"
            Widgets.draw(
                [
                    Span(selected ? ">" : " ", base),
                    Span(TextLayout.pad(link.relation, 12), selected ? base : CellStyle(.dim)),
                    Span(name, selected ? base : CellStyle(.accent)),
                    Span("  " + (link.record?.type ?? "") + " " + link.id, selected ? base : CellStyle(.dim)),
                ],
                into: &buffer, row: row, column: inner.column, width: inner.width)
        }
    }

    private func renderRevisions(into buffer: inout ScreenBuffer, _ rect: Rect) {
        let inner = Widgets.box(
            into: &buffer, rect, title: "revisions, newest first  (u undoes the newest, r data)", focused: true)
        guard inner.height > 0 else { return }
        let listHeight = min(revisions.count + 1, max(2, inner.height / 2))
        let rows = revisions.map { r in
            [String(r.version), r.op.rawValue, r.source, r.at, "\(Planner.diff(r.before, r.after).count) changes"]
        }
        Table.draw(
            into: &buffer, area: Rect(row: inner.row, column: inner.column, width: inner.width, height: listHeight),
            columns: [
                Column("V", 4, right: true), Column("OP", 10), Column("SOURCE", 14), Column("AT", 24), Column("", 0),
            ],
            rows: rows, selected: revisionCursor,
            offset: Table.scroll(offset: 0, selected: revisionCursor, visible: listHeight - 1))
        guard revisions.indices.contains(revisionCursor) else { return }
        let rev = revisions[revisionCursor]
        let diff = Widgets.diffLines(Planner.diff(rev.before, rev.after))
        Widgets.lines(
            [[Span("changes in version \(rev.version)", CellStyle(.header, bold: true))]] + diff, into: &buffer,
            Rect(
                row: inner.row + listHeight + 1, column: inner.column + 1, width: inner.width - 1,
                height: inner.height - listHeight - 1))
    }
}
