import RecordCore
import TerminalScreen

/// The first view: every object type with its counts, pending conflicts and identifiers.
public final class TypesView: View {
    let context: AppContext
    private(set) var types: [TypeSummary] = []
    private(set) var selected = 0
    private var offset = 0
    private var loadError: String?

    public init(context: AppContext) {
        self.context = context
        reload()
    }

    public var title: String { "Types" }

    public func reveal() { reload() }

    func reload() {
        switch context.attempt({ try context.backend.types() }) {
        case .success(let t): types = t; loadError = nil
        case .failure(let e): loadError = e.message
        }
        selected = min(selected, max(0, types.count - 1))
    }

    public var status: String? { types.isEmpty ? nil : "\(selected + 1)/\(types.count)" }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "move", hint: true) { [unowned self] in move(1) },
            KeyBinding([.char("k"), .up], "k/↑", "up") { [unowned self] in move(-1) },
            KeyBinding([.char("g"), .home], "g", "first type") { [unowned self] in
                selected = 0; return .none
            },
            KeyBinding([.char("G"), .end], "G", "last type") { [unowned self] in
                selected = max(0, types.count - 1); return .none
            },
            KeyBinding([.enter, .char("l"), .right], "enter", "open the type's records", hint: true) { [unowned self] in
                open()
            },
            KeyBinding([.char("c")], "c", "conflict queue", hint: true) { .push(ConflictsView(context: self.context)) },
            KeyBinding([.char("d")], "d", "duplicates: find and merge", hint: true) { [unowned self] in
                guard types.indices.contains(selected) else { return .none }
                return .push(DuplicatesView(context: context, type: types[selected].type))
            },
            KeyBinding([.char("p")], "p", "compose an upsert for this type", hint: true) { [unowned self] in
                .push(ComposerView(context: context, type: types.isEmpty ? nil : types[selected].type.key))
            },
            KeyBinding([.ctrl("r")], "ctrl-r", "reload") { [unowned self] in
                reload(); return .message("reloaded")
            },
        ]
    }

    private func move(_ d: Int) -> Effect {
        selected = max(0, min(types.count - 1, selected + d))
        return .none
    }

    private func open() -> Effect {
        guard !types.isEmpty else { return .none }
        return .push(RecordsView(context: context, type: types[selected].type))
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        if let loadError {
            buffer.put(TextLayout.fit(loadError, area.width), row: area.row, column: 0, style: CellStyle(.error));
            return
        }
        if types.isEmpty {
            buffer.put(
                "No object types yet. Add one with `recdeck type apply SCHEMA.json`, or run `recdeck --demo`.",
                row: area.row + 1, column: 2, maxWidth: area.width - 2)
            return
        }
        let columns = [
            Column("KEY", 14), Column("NAME", 16), Column("ACTIVE", 9, right: true), Column("ARCHIVED", 9, right: true),
            Column("CONFLICTS", 9, right: true), Column("IDENTIFIERS", 0),
        ]
        let rows = types.map { t in
            [
                t.type.key, t.type.name, String(t.active), String(t.archived),
                t.pendingConflicts == 0 ? "·" : String(t.pendingConflicts),
                t.type.identifiers.map { "\($0.name) (\($0.normalize.rawValue))" }.joined(separator: ", "),
            ]
        }
        offset = Table.scroll(offset: offset, selected: selected, visible: area.height - 1)
        Table.draw(into: &buffer, area: area, columns: columns, rows: rows, selected: selected, offset: offset) {
            [types] i in
            types[i].pendingConflicts > 0 ? CellStyle(.warning) : CellStyle()
        }
    }
}
