import RecordCore
import TerminalScreen

/// The sandbox server's journal, live (`:requests`): every request `recdeck serve` answered, oldest at the
/// top, followed as they arrive — the store is polled, so the server may run in another process. `enter`
/// shows a request's body, plan and response; `p` opens it in the composer; a prompt-mode conflict the
/// server parked is resolved from its detail with `r`, and the journal then shows what was chosen.
public final class RequestsView: View {
    let context: AppContext
    public private(set) var entries: [JournalEntry] = []
    public private(set) var selected = 0
    private var offset = 0
    private var loadError: String?
    /// How many of the newest requests the view loads when it opens (older ones: `recdeck requests`).
    static let initial = 1000

    public init(context: AppContext) {
        self.context = context
        reveal()
        selected = max(0, entries.count - 1)
    }

    public var title: String { "requests" }

    public var status: String? {
        if entries.isEmpty { return "waiting for requests" }
        let following = selected == entries.count - 1
        return "\(selected + 1)/\(entries.count)" + (following ? " · following new requests" : "")
    }

    /// Reloads every shown entry (a resolution made in the resolver appears), keeping the selection.
    public func reveal() {
        let id = entries.indices.contains(selected) ? entries[selected].id : nil
        switch context.attempt({ try context.backend.requests(after: nil, limit: Self.initial) }) {
        case .success(let e):
            entries = e; loadError = nil
            selected = entries.firstIndex { $0.id == id } ?? max(0, entries.count - 1)
        case .failure(let e): loadError = e.message
        }
    }

    /// The view polls the journal while it is open.
    public var isBusy: Bool { true }

    /// Appends requests journaled since the last poll; a selection on the last row follows them.
    public func tick() -> Bool {
        guard loadError == nil,
            case .success(let new) = context.attempt({
                try context.backend.requests(after: entries.last?.id ?? 0, limit: 1000)
            }), !new.isEmpty
        else { return false }
        let following = selected >= entries.count - 1
        entries += new
        if following { selected = entries.count - 1 }
        return true
    }

    var current: JournalEntry? { entries.indices.contains(selected) ? entries[selected] : nil }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "move", hint: true) { [unowned self] in
                selected = min(max(0, entries.count - 1), selected + 1); return .none
            },
            KeyBinding([.char("k"), .up], "k/↑", "up") { [unowned self] in
                selected = max(0, selected - 1); return .none
            },
            KeyBinding([.char("g"), .home], "g", "first request") { [unowned self] in
                selected = 0; return .none
            },
            KeyBinding([.char("G"), .end], "G", "last request (and follow new ones)") { [unowned self] in
                selected = max(0, entries.count - 1); return .none
            },
            KeyBinding([.enter, .char("l")], "enter", "request, plan and response", hint: true) { [unowned self] in
                guard let e = current else { return .message("no requests yet") }
                return .push(RequestDetailView(context: context, entry: e))
            },
            KeyBinding([.char("p")], "p", "open the request in the composer", hint: true, short: "composer") {
                [unowned self] in
                guard let e = current else { return .message("no requests yet") }
                return .push(ComposerView(context: context, replaying: e))
            },
            KeyBinding([.ctrl("r")], "ctrl-r", "reload") { [unowned self] in
                reveal(); return .none
            },
        ]
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        if let loadError {
            buffer.put(TextLayout.fit(loadError, area.width), row: area.row, column: 0, style: CellStyle(.error))
            return
        }
        if entries.isEmpty {
            let lines = [
                "No requests yet. Start the sandbox on this store:", "  recdeck serve --db \(context.backend.location)",
                "Requests appear here as it answers them.",
            ]
            for (i, l) in lines.enumerated() {
                buffer.put(l, row: area.row + 1 + i, column: 2, maxWidth: area.width - 2, style: CellStyle(.dim))
            }
            return
        }
        let wide = area.width >= 90
        var columns = [Column("ID", 5, right: true)]
        if wide { columns.append(Column("TIME", 8)) }
        columns += [Column("DIALECT", 8), Column("METHOD", 6), Column("ST", 3, right: true), Column("DECISION", 10)]
        if wide { columns.append(Column("MS", 6, right: true)) }
        columns.append(Column("PATH", 0))
        let rows = entries.map { e -> [String] in
            var row = [String(e.id ?? 0)]
            if wide { row.append(String(Timestamp.format(e.at).dropFirst(11).prefix(8))) }
            row += [e.dialect, e.method, String(e.status), e.decision ?? "—"]
            if wide { row.append(Self.milliseconds(e.milliseconds)) }
            row.append(e.path + (e.query.isEmpty ? "" : "?" + e.query) + Self.conflictNote(e))
            return row
        }
        offset = Table.scroll(offset: offset, selected: selected, visible: area.height - 1)
        Table.draw(into: &buffer, area: area, columns: columns, rows: rows, selected: selected, offset: offset)
        // The status and the decision coloured by what they say (the selected row keeps its reverse).
        let ws = Table.widths(columns, width: area.width - 1)
        func x(_ header: String) -> Int {
            let i = columns.firstIndex { $0.header == header }!
            return area.column + 1 + ws[..<i].reduce(0) { $0 + $1 + 1 }
        }
        let statusX = x("ST"), decisionX = x("DECISION"), statusW = ws[columns.firstIndex { $0.header == "ST" }!]
        for (n, i) in (offset..<min(entries.count, offset + area.height - 1)).enumerated() where i != selected {
            let e = entries[i], r = area.row + 1 + n
            buffer.put(
                TextLayout.pad(String(e.status), statusW, right: true), row: r, column: statusX,
                style: Self.statusStyle(e.status))
            if let d = e.decision.flatMap(Decision.init(rawValue:)) {
                buffer.put(d.rawValue, row: r, column: decisionX, style: Widgets.badgeStyle(d))
            }
        }
    }

    /// 2xx ok, 3xx and 4xx a warning, 5xx an error.
    static func statusStyle(_ status: Int) -> CellStyle {
        switch status {
        case 200..<300: return CellStyle(.ok)
        case 500...: return CellStyle(.error, bold: true)
        default: return CellStyle(.warning)
        }
    }

    static func milliseconds(_ ms: Double) -> String {
        ms < 10 ? String((ms * 10).rounded() / 10) : String(Int(ms.rounded()))
    }

    /// A parked conflict: pending (`r` in the detail resolves it) or what was chosen.
    static func conflictNote(_ e: JournalEntry) -> String { e.conflictSummary.map { "  · " + $0 } ?? "" }
}
