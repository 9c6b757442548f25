import RecordCore
import TerminalScreen

/// The conflict resolver: the archived record beside the incoming request, and four choices —
/// unarchive, unarchive + update, overwrite, skip — each previewed before it is chosen. Works on one
/// request from the composer, or through the queue of parked conflicts ("n of m", with "apply this
/// choice to the rest").
public final class ResolverView: View {
    /// Where the conflicting request came from.
    public enum Incoming {
        /// A request from the composer (its native text and dialect, for showing).
        case request(UpsertRequest, text: String, dialect: String)
        /// The parked conflicts, at one of them.
        case queue([ConflictEntry], index: Int)
    }

    /// A choice of the resolver.
    public enum Choice: Equatable, Sendable {
        case mode(ArchivedMatchMode)
        case skip
        public var label: String {
            switch self {
            case .mode(.unarchive): return "unarchive"
            case .mode(.unarchive_update): return "unarchive + update"
            case .mode(.overwrite): return "overwrite"
            case .mode(let m): return m.rawValue
            case .skip: return "skip"
            }
        }
        var resolution: String { if case .mode(let m) = self { return m.rawValue } else { return "skip" } }
    }

    public static let choices: [Choice] = [.mode(.unarchive), .mode(.unarchive_update), .mode(.overwrite), .skip]

    let context: AppContext
    private var entries: [ConflictEntry] = []
    private var index = 0
    private let isQueue: Bool
    public private(set) var request: UpsertRequest?
    private var requestText = ""
    private var requestDialect = "native"
    public private(set) var plan: Plan?
    public private(set) var archived: Record?
    public private(set) var selected = 0
    private var problem: String?

    public init(context: AppContext, incoming: Incoming, plan: Plan? = nil) {
        self.context = context
        switch incoming {
        case .request(let r, let text, let dialect):
            isQueue = false
            request = r; requestText = text; requestDialect = dialect
            self.plan = plan
            loadArchived()
        case .queue(let e, let i):
            isQueue = true
            entries = e; index = i
            loadEntry()
        }
    }

    public var title: String { isQueue ? "conflict \(index + 1) of \(entries.count)" : "resolve conflict" }

    public var status: String? {
        let n = isQueue ? "conflict \(index + 1) of \(entries.count) · " : ""
        return n + "choice: " + Self.choices[selected].label
    }

    private func loadArchived() {
        archived = plan?.match.flatMap { m in (try? context.backend.record(id: m.id)) ?? nil }
    }

    /// Decodes the current queue entry's request (in its dialect) and plans it against the current state.
    private func loadEntry() {
        problem = nil; request = nil; plan = nil; archived = nil
        guard entries.indices.contains(index) else { return }
        let entry = entries[index]
        requestDialect = entry.dialect
        requestText = (try? JSONValue.parse(entry.request).prettyText) ?? entry.request
        switch Self.decode(entry, context: context) {
        case .failure(let e): problem = "cannot read the parked request: \(e.message)"
        case .success(let r):
            request = r
            switch context.attempt({ try context.backend.plan(r) }) {
            case .success(let p): plan = p; loadArchived()
            case .failure(let e): problem = e.message
            }
        }
    }

    /// A parked entry's request, decoded by the dialect it was written in (a bulk item as a batch of one).
    static func decode(_ entry: ConflictEntry, context: AppContext) -> Result<UpsertRequest, BackendFailure> {
        guard let dialect = Dialects.named(entry.dialect) else {
            return .failure(BackendFailure(message: "unknown dialect \(entry.dialect)"))
        }
        let body: JSONValue
        do { body = try JSONValue.parse(entry.request) } catch {
            return .failure(BackendFailure(message: error.message))
        }
        let native = DialectRequest(type: entry.type, body: dialect.answersWithProcess ? ["records": [body]] : body)
        let type = try? context.backend.objectType(entry.type)
        return Exchange(dialect, native).singleRequest(type: type).mapError { BackendFailure(message: $0.description) }
    }

    public var bindings: [KeyBinding] {
        var b = [
            KeyBinding([.char("j"), .down], "j/k", "choose the next / previous option", hint: true) { [unowned self] in
                selected = min(Self.choices.count - 1, selected + 1); return .none
            },
            KeyBinding([.char("k"), .up], "k/↑", "previous option") { [unowned self] in
                selected = max(0, selected - 1); return .none
            },
            KeyBinding([.char("1")], "1", "unarchive") { [unowned self] in
                selected = 0; return .none
            },
            KeyBinding([.char("2")], "2", "unarchive + update") { [unowned self] in
                selected = 1; return .none
            },
            KeyBinding([.char("3")], "3", "overwrite") { [unowned self] in
                selected = 2; return .none
            },
            KeyBinding([.char("4")], "4", "skip") { [unowned self] in
                selected = 3; return .none
            },
            KeyBinding([.enter], "enter", "apply the chosen option (asks first)", hint: true) { [unowned self] in
                choose()
            },
        ]
        if isQueue {
            b += [
                KeyBinding([.char("n"), .right], "n", "next conflict, deciding later", hint: true) { [unowned self] in
                    step(1)
                },
                KeyBinding([.char("p"), .left], "p", "previous conflict") { [unowned self] in step(-1) },
                KeyBinding([.char("A")], "A", "apply this choice to this and the rest of the queue", hint: true) {
                    [unowned self] in applyToRest()
                },
            ]
        }
        return b
    }

    private func step(_ d: Int) -> Effect {
        guard !entries.isEmpty else { return .none }
        index = (index + d + entries.count) % entries.count
        loadEntry()
        return .none
    }

    /// The outcome of a choice, from the plan's alternatives.
    func outcome(_ choice: Choice) -> (decision: Decision?, record: Record?, errors: [FieldError]) {
        guard case .mode(let mode) = choice, let outcome = plan?.outcome(for: mode) else { return (nil, nil, []) }
        return (outcome.decision, outcome.record, outcome.errors)
    }

    private func choose() -> Effect {
        let choice = Self.choices[selected]
        if let refusal = context.refusal(choice.label) { return refusal }
        guard let request else { return .error(problem ?? "no request to resolve") }
        var lines = previewLines(choice)
        lines.insert(
            [
                Span("Apply ", CellStyle(.dim)), Span(choice.label, CellStyle(.accent, bold: true)),
                Span(" to this request?", CellStyle(.dim)),
            ], at: 0)
        return .confirm(
            Confirmation(title: choice == .skip ? "Skip this request?" : "Resolve with \(choice.label)?", lines: lines)
            { [unowned self] in
                switch resolve(request, choice, entry: isQueue ? entries[index] : nil) {
                case .failure(let e): return .error(e.message)
                case .success(let text): return advance(after: text)
                }
            })
    }

    /// Applies a choice to a request (and marks its queue entry), in one transaction.
    private func resolve(_ request: UpsertRequest, _ choice: Choice, entry: ConflictEntry?) -> Result<
        String, BackendFailure
    > {
        var r = request
        if case .mode(let m) = choice { r.onArchivedMatch = m }
        let result = context.attempt { () throws -> Plan? in
            if let entry {
                return try context.backend.resolveConflict(
                    id: entry.id, request: choice == .skip ? nil : r, resolution: choice.resolution)
            }
            return choice == .skip ? nil : try context.backend.upsert(r)
        }
        switch result {
        case .failure(let e): return .failure(e)
        case .success(nil): return .success("skipped; nothing written")
        case .success(let p?):
            guard p.decision.writes || p.decision == .unchanged else {
                return .failure(
                    BackendFailure(
                        message: "\(choice.label) gave \(p.decision.rawValue): \(p.errorSummary); nothing written"))
            }
            return .success(
                "\(p.decision.rawValue): \(p.record?.name ?? p.record?.id ?? "") version \(p.record?.version ?? 0)")
        }
    }

    private func advance(after text: String) -> Effect {
        guard isQueue else { return .all([.pop, .message(text)]) }
        entries.remove(at: index)
        if entries.isEmpty { return .all([.pop, .message(text + " — the queue is empty")]) }
        index = min(index, entries.count - 1)
        loadEntry()
        return .message(text + " — \(entries.count) left")
    }

    private func applyToRest() -> Effect {
        let choice = Self.choices[selected]
        if let refusal = context.refusal(choice.label) { return refusal }
        let rest = Array(entries[index...])
        return .confirm(
            Confirmation(
                title: "Apply \(choice.label) to \(rest.count) conflict\(rest.count == 1 ? "" : "s")?",
                lines: [
                    [
                        Span(
                            "This one and the \(rest.count - 1) after it in the queue, each in its own transaction.",
                            CellStyle(.dim))
                    ],
                    [Span("Entries the choice does not fit are left in the queue and counted.", CellStyle(.dim))],
                ]
            ) { [unowned self] in
                var done = 0, failed: [String] = []
                for entry in rest {
                    let outcome = Self.decode(entry, context: context).flatMap { resolve($0, choice, entry: entry) }
                    switch outcome {
                    case .success: done += 1; entries.removeAll { $0.id == entry.id }
                    case .failure(let e): failed.append("#\(entry.id): \(e.message)")
                    }
                }
                let text =
                    "\(choice.label): \(done) resolved"
                    + (failed.isEmpty ? "" : ", \(failed.count) left (\(failed.first!))")
                if entries.isEmpty { return .all([.pop, .message(text)]) }
                index = min(index, entries.count - 1)
                loadEntry()
                return failed.isEmpty ? .message(text) : .error(text)
            })
    }

    /// What a choice would do, for its preview.
    func previewLines(_ choice: Choice) -> [StyledLine] {
        if choice == .skip {
            return [
                [
                    Span(" SKIP ", CellStyle(.badgeNeutral, bold: true)),
                    Span(
                        "  nothing is written; the record stays archived"
                            + (isQueue ? " and the entry leaves the queue" : "")),
                ]
            ]
        }
        let o = outcome(choice)
        var lines: [StyledLine] = [
            [o.decision.map(Widgets.badge) ?? Span("?"), Span("  " + Self.explain(choice), CellStyle(.dim))]
        ]
        for e in o.errors { lines.append([Span("error ", CellStyle(.error, bold: true)), Span(e.description)]) }
        if let result = o.record {
            if choice == .mode(.overwrite) {
                lines.append([Span("new record ", CellStyle(.dim)), Span(result.name ?? result.id, CellStyle(.accent))])
                lines += Widgets.diffLines(Planner.diff(nil, result)).prefix(6)
            } else if let archived {
                lines += Widgets.diffLines(Planner.diff(archived, result))
            }
        }
        return lines
    }

    static func explain(_ c: Choice) -> String {
        switch c {
        case .mode(.unarchive): return "restores the record with its own values; the request only fills gaps"
        case .mode(.unarchive_update): return "restores the record and applies the request"
        case .mode(.overwrite): return "moves the archived record's identifiers aside and creates a new record"
        default: return ""
        }
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        if let problem, request == nil {
            buffer.put(
                TextLayout.fit(problem, area.width - 2), row: area.row + 1, column: 1,
                style: CellStyle(.error, bold: true))
            if isQueue {
                buffer.put("n: next conflict   esc: back", row: area.row + 3, column: 1, style: CellStyle(.dim))
            }
            return
        }
        let optionsHeight = min(area.height / 2, 12)
        let top = Rect(row: area.row, column: area.column, width: area.width, height: area.height - optionsHeight)
        let half = top.width / 2
        let leftInner = Widgets.box(
            into: &buffer, Rect(row: top.row, column: top.column, width: half, height: top.height),
            title: "archived record")
        var left: [StyledLine] = []
        if let archived {
            left = Widgets.metadataLines(archived)
            left.append([])
            left += archived.data.prettyText.split(separator: "\n").map { [Span(String($0))] }
        } else if let plan, plan.decision != .conflict {
            left = [
                [
                    Span("no longer a conflict: the request now plans as ", CellStyle(.dim)),
                    Widgets.badge(plan.decision),
                ]
            ]
        }
        Widgets.lines(
            left, into: &buffer,
            Rect(row: leftInner.row, column: leftInner.column + 1, width: leftInner.width - 1, height: leftInner.height)
        )
        let rightInner = Widgets.box(
            into: &buffer, Rect(row: top.row, column: top.column + half, width: top.width - half, height: top.height),
            title: "incoming request (\(requestDialect))")
        Widgets.lines(
            requestText.split(separator: "\n", omittingEmptySubsequences: false).map { [Span(String($0))] },
            into: &buffer,
            Rect(
                row: rightInner.row, column: rightInner.column + 1, width: rightInner.width - 1,
                height: rightInner.height))

        let bottom = Rect(row: top.bottom, column: area.column, width: area.width, height: optionsHeight)
        let inner = Widgets.box(
            into: &buffer, bottom, title: "choose — each option previewed; enter applies", focused: true)
        let listWidth = 40
        for (i, c) in Self.choices.enumerated() where i < inner.height {
            let on = i == selected
            let d = outcome(c).decision
            let style = CellStyle(on ? .selected : .normal, bold: on)
            buffer.fill(row: inner.row + i, column: inner.column, width: listWidth, style: on ? style : CellStyle())
            // The decision is named only when it is not the option's own (an option that cannot apply).
            let other = d.flatMap { $0.rawValue == c.resolution ? nil : " → \($0.rawValue)" } ?? ""
            buffer.put(
                (on ? "> " : "  ") + "\(i + 1) \(c.label)" + other, row: inner.row + i, column: inner.column,
                maxWidth: listWidth,
                style: style)
        }
        Widgets.lines(
            previewLines(Self.choices[selected]), into: &buffer,
            Rect(
                row: inner.row, column: inner.column + listWidth + 1, width: inner.width - listWidth - 1,
                height: inner.height))
    }
}
