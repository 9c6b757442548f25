import RecordCore
import TerminalScreen

/// A bulk merge run's review queue, one group at a time, "n of m" (DESIGN §10): each group the run left
/// below its minimum score, with its members, its survivor and why, and the fields the rules decided.
/// `a` merges it by the run's rules, `e` opens it in the Merge view to edit picks, `s` skips it, `A`
/// accepts the rest. Every merge is one transaction and belongs to the run (`undo --batch RUN`).
public final class ReviewView: View {
    let context: AppContext
    let runID: String
    private(set) var run: MergeRun?
    /// The groups waiting when the view opened, in run order.
    private(set) var items: [MergeRunGroup] = []
    private(set) var index = 0
    /// Position → what was decided here ("merged (merge 12)", "skipped").
    private(set) var decided: [Int: String] = [:]
    private var plan: MergePlan?
    private var planError: String?
    private var type: ObjectType?
    private lazy var record = RecordCache(context.backend)

    public init(context: AppContext, runID: String) {
        self.context = context
        self.runID = runID
        switch context.attempt({ try context.backend.mergeRun(runID, status: .review) }) {
        case .success(let r):
            run = r; items = r.groups
            type = try? context.backend.objectType(r.type)
        case .failure(let e): planError = e.message
        }
        replan()
    }

    public var title: String { "review" }
    public var status: String? {
        guard !items.isEmpty else { return nil }
        return "\(index + 1) of \(items.count) · \(decided.count) decided"
    }
    var current: MergeRunGroup? { items.indices.contains(index) ? items[index] : nil }
    private var pending: [Int] { items.indices.filter { decided[items[$0].position] == nil } }

    private func replan() {
        guard let g = current, decided[g.position] == nil else { plan = nil; return }
        switch context.attempt({
            try context.backend.planReview(run: runID, position: g.position, survivor: nil, take: [:])
        }) {
        case .success(let p): plan = p; planError = nil
        case .failure(let e): plan = nil; planError = e.message
        }
    }

    /// Moves to the next undecided group after the current one (wrapping), or stays when none is left.
    private func advance() {
        let order = Array(items.indices[index...].dropFirst()) + Array(items.indices[..<index])
        if let next = order.first(where: { decided[items[$0].position] == nil }) { index = next }
        replan()
    }

    private func accept(_ g: MergeRunGroup) -> Result<Int64, BackendFailure> {
        context.attempt { try context.backend.acceptReview(run: runID, position: g.position, survivor: nil, take: [:]) }
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("a"), .enter], "a/enter", "merge this group by the run's rules", hint: true) {
                [unowned self] in
                if let refusal = context.refusal("merge") { return refusal }
                guard let g = current, decided[g.position] == nil else { return .message("already decided") }
                switch accept(g) {
                case .success(let id):
                    decided[g.position] = "merged (merge \(id))"
                    advance()
                    return .message("merged group \(g.position) (merge \(id))")
                case .failure(let e): return .error(e.message)
                }
            },
            KeyBinding([.char("e")], "e", "edit the picks in the Merge view, then merge", hint: true) {
                [unowned self] in
                if let refusal = context.refusal("merge") { return refusal }
                guard let g = current, decided[g.position] == nil, let type else {
                    return .message("already decided")
                }
                return .push(
                    MergeView(
                        context: context, type: type, recordIDs: g.recordIDs, review: (runID, g.position)
                    ) { [weak self] id in
                        self?.decided[g.position] = "merged by hand (merge \(id))"
                        self?.advance()
                    })
            },
            KeyBinding([.char("s"), .char("x")], "s", "skip this group (not merged)", hint: true) { [unowned self] in
                if let refusal = context.refusal("skip") { return refusal }
                guard let g = current, decided[g.position] == nil else { return .message("already decided") }
                switch context.attempt({ try context.backend.dismissReview(run: runID, position: g.position) }) {
                case .success:
                    decided[g.position] = "skipped"
                    advance()
                    return .message("skipped group \(g.position)")
                case .failure(let e): return .error(e.message)
                }
            },
            KeyBinding([.char("A")], "A", "accept this and every group left", hint: true) { [unowned self] in
                acceptTheRest()
            },
            KeyBinding([.char("j"), .down, .char("n")], "j/k", "next / previous group (without deciding)") {
                [unowned self] in
                index = min(max(0, items.count - 1), index + 1); replan(); return .none
            },
            KeyBinding([.char("k"), .up, .char("p")], "k/↑", "previous group") { [unowned self] in
                index = max(0, index - 1); replan(); return .none
            },
        ]
    }

    private func acceptTheRest() -> Effect {
        if let refusal = context.refusal("merge") { return refusal }
        let left = pending.filter { $0 >= index } + pending.filter { $0 < index }
        guard !left.isEmpty else { return .message("every group is decided") }
        return .confirm(
            Confirmation(
                title: "Merge the \(left.count) group\(left.count == 1 ? "" : "s") left?",
                lines: [
                    [Span("Each by the run's rule set (\(run?.rules ?? "?")), each in its own transaction.")],
                    [Span("A group that cannot be merged now is named and stays in review.", CellStyle(.dim))],
                ]
            ) { [unowned self] in
                var merged = 0, failed: [String] = []
                for i in left {
                    let g = items[i]
                    switch accept(g) {
                    case .success(let id): decided[g.position] = "merged (merge \(id))"; merged += 1
                    case .failure(let e): failed.append("group \(g.position): \(e.message)")
                    }
                }
                advance()
                if !failed.isEmpty { return .error("merged \(merged); " + failed.joined(separator: "; ")) }
                return .message("merged \(merged) group\(merged == 1 ? "" : "s"); the review queue is done")
            })
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let right = area.column + area.width
        guard let run else {
            buffer.put(
                planError ?? "", row: area.row, column: area.column + 1, maxWidth: area.width - 2,
                style: CellStyle(.error))
            return
        }
        var col = buffer.put("Review ", row: area.row, column: area.column + 1, style: CellStyle(bold: true))
        col = buffer.put(
            items.isEmpty ? "nothing waits" : "\(index + 1) of \(items.count)", row: area.row, column: col,
            style: CellStyle(.selected, bold: true))
        buffer.put(
            "  \(run.type) by \(run.match) · rules \(run.rules) · below \(String(format2: run.minScore)) · \(pending.count) left · \(runID)",
            row: area.row, column: col, maxWidth: right - col, style: CellStyle(.dim))
        guard let g = current else {
            buffer.put(
                "The run sent no group to review.", row: area.row + 2, column: area.column + 2, maxWidth: area.width - 2
            )
            return
        }
        var lines: [StyledLine] = [
            [
                Span("score \(String(format2: g.score))  ", CellStyle(.accent)), Span(g.reason),
            ]
        ]
        if let done = decided[g.position] {
            lines.append([Span("decided: \(done)", CellStyle(.ok, bold: true))])
        }
        let survivor = plan?.survivorID
        for id in g.recordIDs {
            let r = record(id)
            let values = ["email", "phone"].compactMap { r?.data[$0]?.plainText }.map { "  " + $0 }.joined()
            lines.append([
                Span(id == survivor ? "★ " : "  ", CellStyle(.accent)), Span((r?.name ?? id) + "  "),
                Span(values, CellStyle(.dim)), Span("  " + id, CellStyle(.dim)),
            ])
        }
        if let plan {
            lines.append([Span("survivor: ", CellStyle(.dim)), Span(plan.survivorReason)])
            let decidedFields = plan.fields.filter(\.conflicting)
            if decidedFields.isEmpty { lines.append([Span("the records agree on every field", CellStyle(.dim))]) }
            for f in decidedFields {
                lines.append([
                    Span("  \(f.field) ", CellStyle(.warning)), Span((f.result?.plainText ?? "—") + "  "),
                    Span(f.explanation, CellStyle(.dim)),
                ])
            }
            for e in plan.errors { lines.append([Span("  error: \(e)", CellStyle(.error))]) }
        } else if decided[g.position] == nil, let planError {
            lines.append([Span(planError, CellStyle(.error))])
        }
        let box = Widgets.box(
            into: &buffer, Rect(row: area.row + 1, column: area.column, width: area.width, height: area.height - 1),
            title: "group \(g.position)", focused: true)
        Widgets.lines(lines, into: &buffer, box)
    }
}
