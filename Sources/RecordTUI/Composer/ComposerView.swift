import Foundation
import RecordCore
import TerminalScreen

/// The upsert composer: a request editor in any dialect beside a live preview that re-plans on each
/// edit (decision badge, matched record and identifier, field diff, warnings), a strip with the outcome
/// under every archive mode, and apply with confirmation. An archived match in prompt mode opens the
/// conflict resolver.
public final class ComposerView: View {
    let context: AppContext
    /// The type the request addresses (voxworks names it in the body; this is its default there).
    public private(set) var typeKey: String?
    public private(set) var dialect: any Dialect
    public private(set) var editor: TextEditor
    /// The query string (`k=v&k=v`).
    public private(set) var queryText: String
    private var editingQuery = false
    /// The latest preview, or why there is none.
    public private(set) var preview: Result<ExchangeOutcome, BackendFailure>?
    private var template: String
    private var previewScroll = 0
    /// Each dialect's own text, kept while another dialect is shown: switching never loses work.
    private var drafts: [String: Draft] = [:]
    /// The record templates take their lookup values from (so a template previews an update of it).
    private let example: Record?

    /// One dialect's request as typed: its editor (with its undo), query string and starting template.
    private struct Draft { var editor: TextEditor; var query: String; var template: String }

    /// A composer for `type` starting from its native template, or (with `from`) a native request that
    /// would upsert that record again by its first identifier. Templates take their lookup values from
    /// `from`, else from the type's first record, so each previews cleanly.
    public init(context: AppContext, type: String?, from record: Record? = nil, objectType: ObjectType? = nil) {
        self.context = context
        typeKey = type
        dialect = Dialects.named("native")!
        let objectType = objectType ?? type.flatMap { try? context.backend.objectType($0) }
        example =
            record
            ?? type.flatMap { key in
                try? context.backend.page(RecordQuery(type: key), from: nil, direction: .forward, limit: 1).first?
                    .record
            }
        var body: JSONValue = ["name": "", "data": [:]]
        var query: [(String, String)] = []
        if let record, let objectType {
            var o: JSONObject = ["data": record.data]
            if let n = record.name { o["name"] = .string(n) }
            if let id = objectType.identifiers.first { o["lookup"] = ["identifier": .string(id.name)] }
            body = .object(o)
        } else if let objectType {
            let t = dialect.template(for: objectType, example: example)
            body = t.body; query = t.query
        }
        template = body.prettyText
        editor = TextEditor(text: template)
        queryText = Self.queryString(query)
        refresh()
    }

    /// A composer holding a request the sandbox server journaled, in its dialect and with its query, ready to
    /// preview against the state as it is now (and to apply again).
    public convenience init(context: AppContext, replaying entry: JournalEntry) {
        let dialect = Dialects.named(entry.dialect) ?? Dialects.named("native")!
        self.init(context: context, type: dialect.typeKey(inPath: entry.path))
        self.dialect = dialect
        template = (try? JSONValue.parse(entry.body).prettyText) ?? entry.body
        editor = TextEditor(text: template)
        queryText = Self.readableQuery(entry.query)
        refresh()
    }

    /// True when any dialect's text differs from where it started.
    private var hasChanges: Bool {
        editor.text != template || drafts.values.contains { $0.editor.text != $0.template }
    }

    public var title: String { "upsert" + (typeKey.map { " \($0)" } ?? "") }

    /// Re-plans when shown again (the resolver may have changed the state).
    public func reveal() { refresh() }
    public var capturesText: Bool { true }
    public var status: String? { "\(dialect.name) · \(dialect.endpoint)" }

    static func queryString(_ q: [(String, String)]) -> String { q.map { "\($0.0)=\($0.1)" }.joined(separator: "&") }

    /// The query pairs typed in the query line; `%XX` escapes are decoded in each name and value (so `%26`
    /// is an `&` inside a value, as in a URL).
    var query: [(String, String)] {
        queryText.split(separator: "&").compactMap { part in
            guard let eq = part.firstIndex(of: "=") else {
                return part.isEmpty ? nil : (Self.percentDecoded(part), "")
            }
            return (Self.percentDecoded(part[..<eq]), Self.percentDecoded(part[part.index(after: eq)...]))
        }
    }

    /// `%XX` escapes decoded (Foundation's decoding; a part with a malformed escape is kept as typed).
    static func percentDecoded(_ text: Substring) -> String { text.removingPercentEncoding ?? String(text) }

    /// A query string as it came over the wire, for the query line: `+` and `%20` shown as spaces (the
    /// other escapes stay, so an `&` or `=` inside a value keeps its meaning).
    static func readableQuery(_ raw: String) -> String {
        raw.replacingOccurrences(of: "+", with: " ").replacingOccurrences(of: "%20", with: " ")
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.ctrl("s")], "ctrl-s", "apply the request (asks first)", hint: true) { [unowned self] in apply()
            },
            KeyBinding([.ctrl("t")], "ctrl-t", "next dialect (each keeps its own text)", hint: true) { [unowned self] in
                nextDialect()
            },
            KeyBinding([.tab], "tab", "edit the body / the query string", hint: true) { [unowned self] in
                editingQuery.toggle(); return .none
            },
            KeyBinding([.ctrl("z")], "ctrl-z", "undo in the body (ctrl-u too; in the query line ctrl-u clears it)") {
                [unowned self] in
                if editor.undo() { refresh() }
                return .none
            },
            KeyBinding([.ctrl("n")], "ctrl-n", "scroll the preview down") { [unowned self] in
                previewScroll += 3; return .none
            },
            KeyBinding([.ctrl("p")], "ctrl-p", "scroll the preview up") { [unowned self] in
                previewScroll = max(0, previewScroll - 3); return .none
            },
            KeyBinding([.escape], "esc", "close (asks when you changed the request)", hint: true) { [unowned self] in
                guard hasChanges else { return .pop }
                return .confirm(
                    Confirmation(
                        title: "Close the composer?",
                        lines: [[Span("Nothing was applied; the request text is dropped.", CellStyle(.dim))]]
                    ) { .pop })
            },
        ]
    }

    public func handle(_ key: Key) -> Effect {
        if editingQuery {
            // The query line owns its editing keys; ctrl-u clears it (it must never undo the body).
            switch key {
            case .char(let c): queryText.append(c); refresh(); return .none
            case .backspace: if !queryText.isEmpty { queryText.removeLast(); refresh() }; return .none
            case .ctrl("u"): queryText = ""; refresh(); return .none
            case .enter, .up, .down: editingQuery = false; return .none
            default: break
            }
        }
        if let b = bindings.first(where: { $0.keys.contains(key) }) { return b.run() }
        if editingQuery { return .none }
        if editor.handle(key) { refresh() }
        return .none
    }

    private func nextDialect() -> Effect {
        let all = Dialects.all
        let i = all.firstIndex { $0.name == dialect.name } ?? 0
        drafts[dialect.name] = Draft(editor: editor, query: queryText, template: template)
        dialect = all[(i + 1) % all.count]
        if let draft = drafts.removeValue(forKey: dialect.name) {
            editor = draft.editor; queryText = draft.query; template = draft.template
        } else if let key = typeKey, case .success(let t?) = context.attempt({ try context.backend.objectType(key) }) {
            let tpl = dialect.template(for: t, example: example)
            template = tpl.body.prettyText
            editor = TextEditor(text: template)
            queryText = Self.queryString(tpl.query)
        }
        previewScroll = 0
        refresh()
        return .message("dialect \(dialect.name): \(dialect.endpoint)")
    }

    /// Re-plans the request as it stands (nothing is written).
    func refresh() {
        let exchange = exchange
        preview = context.attempt { try context.backend.perform(exchange, apply: false) }
    }

    /// The request as it stands, as one exchange.
    private var exchange: Exchange { Exchange(dialect, type: typeKey, query: query, bytes: Array(editor.text.utf8)) }

    private func apply() -> Effect {
        if let refusal = context.refusal("applying an upsert") { return refusal }
        guard case .success(let ex)? = preview else {
            if case .failure(let e)? = preview { return .error(e.message) }
            return .none
        }
        if ex.refused {
            return .error("the request is refused (\(ex.response.status)): \(ex.plans.first?.errorSummary ?? "")")
        }
        // A single request that meets an archived record in prompt mode goes to the resolver, not to a write.
        if !dialect.answersWithProcess, let plan = ex.plans.first, plan.decision == .conflict,
            plan.match?.archived == true,
            let request = ex.requests.first ?? nil
        {
            return .push(
                ResolverView(
                    context: context, incoming: .request(request, text: editor.text, dialect: dialect.name), plan: plan)
            )
        }
        var lines: [StyledLine] = []
        for (i, p) in ex.plans.prefix(8).enumerated() {
            lines.append([
                Span(ex.plans.count > 1 ? "#\(i + 1) " : ""), Widgets.badge(p.decision),
                Span(" " + (p.record?.name ?? p.match?.name ?? p.errorSummary)),
            ])
        }
        if ex.plans.count > 8 { lines.append([Span("… \(ex.plans.count - 8) more")]) }
        if ex.plans.count == 1 { lines += Widgets.diffLines(ex.plans[0].diff) }
        lines.append([Span("\(dialect.name) response \(ex.response.status)", CellStyle(.dim))])
        return .confirm(
            Confirmation(title: "Apply this \(dialect.name) request?", lines: lines) { [unowned self] in
                let exchange = exchange
                switch context.attempt({ try context.backend.perform(exchange, apply: true) }) {
                case .failure(let e): return .error("not applied: \(e.message)")
                case .success(let done):
                    refresh()
                    let decisions = done.plans.map(\.decision.rawValue)
                    let parked = done.plans.filter { $0.decision == .conflict }.count
                    var text =
                        "applied (\(done.response.status)): "
                        + Set(decisions).sorted().map { d in "\(decisions.filter { $0 == d }.count) \(d)" }.joined(
                            separator: ", ")
                    if dialect.answersWithProcess, parked > 0 {
                        text += "; \(parked) conflict\(parked == 1 ? "" : "s") parked: :conflicts"
                    }
                    if let id = done.processID { text += "; process \(id)" }
                    return done.plans.contains { $0.decision.isError } ? .error(text) : .message(text)
                }
            })
    }

    // MARK: Rendering

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        // Line 1: dialects; line 2: query string.
        var col = buffer.put(" dialect ", row: area.row, column: area.column, style: CellStyle(.dim))
        for d in Dialects.all {
            let on = d.name == dialect.name
            col = buffer.put(
                on ? "[\(d.name)]" : " \(d.name) ", row: area.row, column: col,
                style: CellStyle(on ? .selected : .dim, bold: on))
            col += 1
        }
        buffer.put("  type \(typeKey ?? "—")", row: area.row, column: col, maxWidth: area.width - col)
        let qStyle = CellStyle(editingQuery ? .accent : .normal, bold: editingQuery)
        let q = buffer.put(" query ?", row: area.row + 1, column: area.column, style: CellStyle(.dim))
        if editingQuery {
            Widgets.input(
                queryText, hint: "  enter or tab: back to the body", into: &buffer, row: area.row + 1, column: q,
                width: area.width - q, style: qStyle)
        } else {
            buffer.put(
                queryText.isEmpty ? "(none; tab to edit)" : queryText, row: area.row + 1, column: q,
                maxWidth: area.width - q,
                style: queryText.isEmpty ? CellStyle(.dim) : qStyle)
        }

        let stripHeight = 5
        let mainHeight = area.height - 2 - stripHeight
        let leftWidth = area.width / 2
        let left = Rect(row: area.row + 2, column: area.column, width: leftWidth, height: mainHeight)
        let right = Rect(
            row: area.row + 2, column: area.column + leftWidth, width: area.width - leftWidth, height: mainHeight)
        let editInner = Widgets.box(
            into: &buffer, left, title: "request body (\(dialect.name))", focused: !editingQuery)
        var bodyError: Int?
        if case .success(let ex)? = preview, ex.refused, let e = ex.plans.first?.errors.first, e.field == "body" {
            bodyError = Widgets.lineNumber(in: e.message)
        }
        editor.render(into: &buffer, editInner, focused: !editingQuery, errorLine: bodyError)

        let previewInner = Widgets.box(into: &buffer, right, title: "preview — nothing is written until ctrl-s")
        Widgets.lines(
            previewLines(width: previewInner.width - 1), into: &buffer,
            Rect(
                row: previewInner.row, column: previewInner.column + 1, width: previewInner.width - 1,
                height: previewInner.height), offset: previewScroll)

        let strip = Rect(row: left.bottom, column: area.column, width: area.width, height: stripHeight)
        let stripInner = Widgets.box(into: &buffer, strip, title: "the same request under every archive mode")
        renderStrip(into: &buffer, stripInner)
    }

    private func previewLines(width: Int) -> [StyledLine] {
        switch preview {
        case nil: return []
        case .failure(let e)?: return Widgets.message("error", e.message, style: .error, width: width)
        case .success(let ex)?:
            var lines: [StyledLine] = []
            if ex.refused {
                lines.append([Span(" REFUSED ", CellStyle(.badgeError, bold: true)), Span("  \(ex.response.status)")])
                for e in ex.plans.first?.errors ?? [] {
                    lines += Widgets.message("error", e.description, style: .error, width: width)
                }
            } else if ex.plans.count == 1 {
                lines += Widgets.planLines(ex.plans[0], width: width)
            } else {
                lines.append([Span("\(ex.plans.count) records, applied in order in one transaction", CellStyle(.dim))])
                for (i, p) in ex.plans.enumerated() {
                    lines.append([
                        Span("#\(i + 1) "), Widgets.badge(p.decision),
                        Span(" " + (p.record?.name ?? p.match?.name ?? p.errorSummary)),
                    ])
                    for w in p.warnings { lines.append([Span("   warning ", CellStyle(.warning)), Span(w)]) }
                }
            }
            lines.append([])
            lines.append([
                Span("\(dialect.name) response ", CellStyle(.header, bold: true)),
                Span(String(ex.response.status), CellStyle(.accent, bold: true)),
            ])
            for l in ex.response.body.prettyText.split(separator: "\n") { lines.append(Widgets.jsonLine(String(l))) }
            return lines
        }
    }

    /// One cell per archive mode: the mode, its decision badge and what happens.
    private func renderStrip(into buffer: inout ScreenBuffer, _ rect: Rect) {
        guard rect.height > 0 else { return }
        guard case .success(let ex)? = preview, !ex.refused, ex.plans.count == 1 else {
            buffer.put(
                "(shown for a single-record request that plans)", row: rect.row, column: rect.column + 1,
                maxWidth: rect.width - 1, style: CellStyle(.dim))
            return
        }
        let plan = ex.plans[0]
        let outcomes = Self.outcomes(plan)
        let w = rect.width / outcomes.count
        for (i, o) in outcomes.enumerated() {
            let x = rect.column + i * w + 1
            buffer.put(
                TextLayout.fit(o.mode.rawValue + (o.current ? " (this request)" : ""), w - 2), row: rect.row, column: x,
                style: CellStyle(o.current ? .accent : .dim, bold: o.current))
            Widgets.draw([Widgets.badge(o.decision)], into: &buffer, row: rect.row + 1, column: x, width: w - 2)
            if rect.height > 2 {
                buffer.put(TextLayout.fit(o.detail, w - 2), row: rect.row + 2, column: x, style: CellStyle(.dim))
            }
        }
    }

    /// What each archive mode does with this request: the plan's own mode, then its alternatives.
    static func outcomes(_ plan: Plan) -> [(mode: ArchivedMatchMode, decision: Decision, detail: String, current: Bool)]
    {
        let alternativeModes = Set(plan.alternatives.map(\.mode))
        return ArchivedMatchMode.allCases.map { mode in
            let outcome = plan.outcome(for: mode)
            guard !plan.alternatives.isEmpty else {
                return (mode, outcome.decision, "no archived match: same for every mode", false)
            }
            let detail = outcome.errors.first?.description ?? outcome.action.map { "record \($0.rawValue)" } ?? ""
            return (mode, outcome.decision, detail, !alternativeModes.contains(mode))
        }
    }
}
