import RecordCore
import TerminalScreen

/// One journaled request: what came in (method, path, headers with credentials redacted, body), what the
/// engine decided, and what went back. `p` opens it in the composer; `r` resolves the conflict it parked.
public final class RequestDetailView: View {
    let context: AppContext
    public private(set) var entry: JournalEntry
    private var scroll = 0
    private var height = 20

    public init(context: AppContext, entry: JournalEntry) {
        self.context = context
        self.entry = entry
    }

    public var title: String { "request \(entry.id ?? 0)" }
    public var status: String? { "\(entry.dialect) · \(entry.method) \(entry.path)" }

    /// Reads the entry again: a conflict resolved in the resolver shows its resolution.
    public func reveal() {
        if let id = entry.id, case .success(let e?) = context.attempt({ try context.backend.request(id: id) }) {
            entry = e
        }
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "scroll", hint: true) { [unowned self] in
                scroll += 1; return .none
            },
            KeyBinding([.char("k"), .up], "k/↑", "scroll up") { [unowned self] in
                scroll = max(0, scroll - 1); return .none
            },
            KeyBinding([.char(" "), .pageDown], "space", "page down") { [unowned self] in
                scroll += max(1, height - 2); return .none
            },
            KeyBinding([.char("b"), .pageUp], "b", "page up") { [unowned self] in
                scroll = max(0, scroll - max(1, height - 2)); return .none
            },
            KeyBinding([.char("p")], "p", "open the request in the composer", hint: true, short: "composer") {
                [unowned self] in
                .push(ComposerView(context: context, replaying: entry))
            },
            KeyBinding([.char("r")], "r", "resolve the conflict this request parked", hint: entry.conflictID != nil) {
                [unowned self] in resolve()
            },
        ]
    }

    private func resolve() -> Effect {
        guard let id = entry.conflictID else {
            return .message("this request parked no conflict (only a prompt-mode archived match does)")
        }
        if let done = entry.resolution { return .message("conflict #\(id) is already resolved: \(done)") }
        if let refusal = context.refusal("resolving a conflict") { return refusal }
        switch context.attempt({ try context.backend.conflicts() }) {
        case .failure(let e): return .error(e.message)
        case .success(let pending):
            guard let conflict = pending.first(where: { $0.id == id }) else {
                return .message("conflict #\(id) is no longer pending (resolved elsewhere?)")
            }
            return .push(ResolverView(context: context, incoming: .queue([conflict], index: 0)))
        }
    }

    /// The lines shown: request, plan, response.
    public var lines: [StyledLine] {
        let dim = CellStyle(.dim), head = CellStyle(.header, bold: true)
        var out: [StyledLine] = [
            [
                Span("\(entry.method) ", CellStyle(.accent, bold: true)),
                Span(entry.path + (entry.query.isEmpty ? "" : "?" + entry.query)),
                Span("  → "), Span(String(entry.status), RequestsView.statusStyle(entry.status)),
                Span("  \(RequestsView.milliseconds(entry.milliseconds)) ms · \(Timestamp.format(entry.at))", dim),
            ],
            [],
            [Span("REQUEST", head)],
        ]
        for (k, v) in entry.headers.sorted(by: { $0.key.lowercased() < $1.key.lowercased() }) {
            out.append([Span("  \(k): ", CellStyle(.jsonKey)), Span(v, v == "[redacted]" ? dim : CellStyle())])
        }
        out.append([])
        out += Self.bodyLines(entry.body, empty: "(no body, or over the limit)")
        out += [[], [Span("PLAN", head)]]
        var plan: StyledLine = [Span("  ")]
        if let d = entry.decision.flatMap(Decision.init(rawValue:)) {
            plan.append(Widgets.badge(d))
        } else {
            plan.append(Span("no decision (refused before planning)", dim))
        }
        if let r = entry.recordID { plan += [Span("  record "), Span(r, CellStyle(.accent))] }
        if let p = entry.processID { plan += [Span("  process "), Span(p, CellStyle(.accent))] }
        out.append(plan)
        if let id = entry.conflictID {
            out.append(
                entry.resolution.map { [Span("  conflict #\(id) resolved: "), Span($0, CellStyle(.ok, bold: true))] }
                    ?? [
                        Span("  conflict #\(id) parked in the queue — ", CellStyle(.warning)),
                        Span("r", CellStyle(.hintKey, bold: true)), Span(" resolves it", CellStyle(.warning)),
                    ])
        }
        out += [[], [Span("RESPONSE", head)]]
        out += Self.bodyLines(entry.response, empty: "(empty)")
        return out
    }

    /// A body pretty-printed and coloured when it is JSON, else as it came.
    static func bodyLines(_ text: String, empty: String) -> [StyledLine] {
        if text.isEmpty { return [[Span("  " + empty, CellStyle(.dim))]] }
        guard let json = try? JSONValue.parse(text) else {
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { [Span("  " + $0)] }
        }
        return json.prettyText.split(separator: "\n").map { Widgets.jsonLine("  " + $0) }
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        height = area.height
        let all = lines
        scroll = min(scroll, max(0, all.count - area.height))
        Widgets.lines(
            all, into: &buffer,
            Rect(row: area.row, column: area.column + 1, width: area.width - 1, height: area.height),
            offset: scroll)
    }
}
