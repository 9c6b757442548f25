import RecordCore
import TerminalScreen

/// The queue of archived-record conflicts that imports parked; enter works through it in the resolver.
public final class ConflictsView: View {
    let context: AppContext
    private(set) var entries: [ConflictEntry] = []
    private var selected = 0
    private var offset = 0
    private var loadError: String?

    public init(context: AppContext) {
        self.context = context
        reveal()
    }

    public var title: String { "conflicts" }
    public var status: String? { entries.isEmpty ? "queue empty" : "\(selected + 1)/\(entries.count) pending" }

    public func reveal() {
        switch context.attempt({ try context.backend.conflicts() }) {
        case .success(let e): entries = e; loadError = nil
        case .failure(let e): loadError = e.message
        }
        selected = min(selected, max(0, entries.count - 1))
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "move", hint: true) { [unowned self] in
                selected = min(max(0, entries.count - 1), selected + 1); return .none
            },
            KeyBinding([.char("k"), .up], "k/↑", "up") { [unowned self] in
                selected = max(0, selected - 1); return .none
            },
            KeyBinding([.enter, .char("l")], "enter", "resolve, from this one through the queue", hint: true) {
                [unowned self] in
                guard !entries.isEmpty else { return .message("no pending conflicts") }
                return .push(ResolverView(context: context, incoming: .queue(entries, index: selected)))
            },
            KeyBinding([.ctrl("r")], "ctrl-r", "reload") { [unowned self] in
                reveal(); return .none
            },
        ]
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        if let loadError {
            buffer.put(TextLayout.fit(loadError, area.width), row: area.row, column: 0, style: CellStyle(.error));
            return
        }
        if entries.isEmpty {
            buffer.put(
                "No pending conflicts. Imports park requests that meet an archived record in prompt mode here.",
                row: area.row + 1, column: 2, maxWidth: area.width - 2, style: CellStyle(.dim))
            return
        }
        let rows = entries.map { e -> [String] in
            // The archived record by name (as the plan matched it), its id after.
            let name = e.plan["match"]?["name"]?.stringValue
            let record = [name, e.recordID.map { name == nil ? $0 : "(\($0))" }].compactMap { $0 }.joined(
                separator: " ")
            return [
                String(e.id), e.type, e.dialect, record, e.createdAt,
                (try? JSONValue.parse(e.request).jsonText) ?? e.request,
            ]
        }
        offset = Table.scroll(offset: offset, selected: selected, visible: area.height - 1)
        Table.draw(
            into: &buffer, area: area,
            columns: [
                Column("ID", 5, right: true), Column("TYPE", 12), Column("DIALECT", 8), Column("ARCHIVED RECORD", 40),
                Column("PARKED AT", 21), Column("REQUEST", 0),
            ],
            rows: rows, selected: selected, offset: offset)
    }
}
