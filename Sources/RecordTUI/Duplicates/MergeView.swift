import RecordCore
import TerminalScreen

/// Merges duplicate records (issue 6), lazygit-style: a column per record and a row per field; move to
/// a cell and press space to take that record's value for the field. Below, every knock-on effect of
/// the merge (children and associations re-pointed, identifier values moved aside, losers archived);
/// ctrl-s shows the survivor's diff and merges in one transaction. `r` switches the survivorship rule set
/// (the master rules choose the survivor until `s` chooses one by hand); picks still override single cells.
/// Opened from the review queue, it merges by the run's rule set and marks the group accepted.
public final class MergeView: View {
    let context: AppContext
    let type: ObjectType
    /// Survivor first, then the losers.
    private(set) var recordIDs: [String]
    private(set) var take: [String: String] = [:]
    /// The rule sets offered, and the one in use.
    let ruleSets: [MergeRuleSet]
    private(set) var ruleIndex = 0
    /// True once the user chose the survivor (`s`): the master rules no longer re-rank the records.
    private var survivorByHand = false
    /// The review group this merge decides, if it came from a run's review queue.
    let review: (run: String, position: Int)?
    private(set) var plan: MergePlan?
    private var planError: String?
    private var row = 0
    private var column = 0
    private var offset = 0
    /// The first record column shown when they do not all fit across.
    private var firstColumn = 0
    private var records: [String: Record] = [:]
    private let onMerged: (Int64) -> Void

    /// The records the view opened with, to tell whether the user changed anything.
    private var originalIDs: [String]

    public init(
        context: AppContext, type: ObjectType, recordIDs: [String], ruleSet: String? = nil,
        review: (run: String, position: Int)? = nil, onMerged: @escaping (Int64) -> Void = { _ in }
    ) {
        self.context = context; self.type = type; self.recordIDs = recordIDs; self.onMerged = onMerged
        self.review = review
        let sets = context.backend.mergeRuleSets.sets
        ruleSets = sets.isEmpty ? [.standard] : sets
        ruleIndex = ruleSets.firstIndex { $0.name == ruleSet } ?? 0
        originalIDs = recordIDs
        replan()
        originalIDs = self.recordIDs
    }

    public var title: String { review == nil ? "merge" : "review merge" }
    public var status: String? {
        guard let f = field else { return nil }
        return "\(f.field) · \(f.explanation)\(f.conflicting ? " · records differ" : "")"
    }
    var rules: MergeRuleSet { ruleSets[ruleIndex] }

    /// The fields some record has, in the plan's order.
    var fields: [MergeField] { plan?.fields.filter { f in f.values.contains { $0 != nil } } ?? [] }
    private var field: MergeField? { fields.indices.contains(row) ? fields[row] : nil }

    private func replan() {
        let survivor = survivorByHand ? recordIDs[0] : nil
        switch context.attempt({
            if let review {
                return try context.backend.planReview(
                    run: review.run, position: review.position, survivor: survivor, take: take)
            }
            return try context.backend.planMerge(
                type: type.key, recordIDs: recordIDs, survivor: survivor, take: take, rules: rules)
        }) {
        case .success(let p): plan = p; planError = nil; recordIDs = p.recordIDs
        case .failure(let e): plan = nil; planError = e.message
        }
        for id in recordIDs where records[id] == nil { records[id] = try? context.backend.record(id: id) }
        row = min(row, max(0, fields.count - 1))
        column = min(column, recordIDs.count - 1)
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "next / previous field", hint: true) { [unowned self] in
                row = min(max(0, fields.count - 1), row + 1); return .none
            },
            KeyBinding([.char("k"), .up], "k/↑", "previous field") { [unowned self] in
                row = max(0, row - 1); return .none
            },
            KeyBinding([.char("l"), .right, .tab], "h/l", "next / previous record", hint: true) { [unowned self] in
                column = min(recordIDs.count - 1, column + 1); return .none
            },
            KeyBinding([.char("h"), .left], "h/←", "previous record") { [unowned self] in
                column = max(0, column - 1); return .none
            },
            KeyBinding(
                [.char(" "), .enter], "space", "take this record's value for the field (again: back to the default)",
                hint: true
            ) { [unowned self] in
                guard let f = field else { return .none }
                let id = recordIDs[column]
                if take[f.field] == id { take[f.field] = nil } else { take[f.field] = id }
                replan()
                return .none
            },
            KeyBinding([.char("s")], "s", "make this record the survivor (by hand, over the master rules)", hint: true)
            {
                [unowned self] in
                let id = recordIDs.remove(at: column)
                recordIDs.insert(id, at: 0)
                column = 0
                survivorByHand = true
                replan()
                return .message("\(id) is the survivor")
            },
            KeyBinding([.char("r")], "r", "next survivorship rule set (picks by hand stay)", hint: review == nil) {
                [unowned self] in
                guard review == nil else { return .message("a review merges by its run's rule set") }
                ruleIndex = (ruleIndex + 1) % ruleSets.count
                survivorByHand = false
                replan()
                // A rule file that could not be read is named, not silently left out.
                if let problem = context.backend.mergeRuleSets.problems.first {
                    return .error("rules \(rules.name); a rule file was skipped: \(problem)")
                }
                return .message("rules \(rules.name): \(rules.summary)")
            },
            KeyBinding([.char("x")], "x", "leave this record out of the merge") { [unowned self] in
                guard recordIDs.count > 2 else { return .message("a merge needs two records; esc goes back") }
                let id = recordIDs.remove(at: column)
                take = take.filter { $0.value != id }
                replan()
                return .message("\(id) left out")
            },
            KeyBinding([.char("c")], "c", "clear every pick (defaults again)") { [unowned self] in
                take = [:]; replan(); return .none
            },
            KeyBinding([.ctrl("s"), .char("m")], "ctrl-s", "merge (shows the diff first)", hint: true) {
                [unowned self] in confirmMerge()
            },
            KeyBinding([.escape], "esc", "back (asks when you picked values or changed the records)") {
                [unowned self] in
                guard !take.isEmpty || survivorByHand || recordIDs != originalIDs else { return .pop }
                let what =
                    take.isEmpty
                    ? "the survivor or records you changed" : "\(take.count) value pick\(take.count == 1 ? "" : "s")"
                return .confirm(
                    Confirmation(
                        title: "Leave the merge?",
                        lines: [[Span("Nothing was merged; \(what) will be dropped.", CellStyle(.dim))]]
                    ) {
                        .pop
                    })
            },
        ]
    }

    private func confirmMerge() -> Effect {
        if let refusal = context.refusal("merge") { return refusal }
        guard let plan else { return .error(planError ?? "no plan") }
        guard plan.isValid else { return .error("cannot merge: " + plan.errors.joined(separator: "; ")) }
        var lines: [StyledLine] = [[Span("Survivor \(plan.survivorID)", CellStyle(bold: true))]]
        lines +=
            plan.diff.isEmpty
            ? [[Span("  its values stay as they are", CellStyle(.dim))]] : Widgets.diffLines(plan.diff)
        lines += effectLines(plan)
        return .confirm(
            Confirmation(
                title:
                    "Merge \(plan.loserIDs.count) record\(plan.loserIDs.count == 1 ? "" : "s") into \(plan.survivorID)?",
                lines: lines
            ) { [unowned self] in
                switch context.attempt({ () throws -> Int64 in
                    if let review {
                        return try context.backend.acceptReview(
                            run: review.run, position: review.position,
                            survivor: survivorByHand ? plan.survivorID : nil,
                            take: take)
                    }
                    return try context.backend.merge(
                        type: type.key, survivor: plan.survivorID, losers: plan.loserIDs, take: take, rules: rules)
                }) {
                case .success(let id):
                    onMerged(id)
                    return .all([
                        .pop,
                        .message("merged into \(plan.survivorID) (merge \(id)); u in the duplicates view undoes it"),
                    ])
                case .failure(let e): return .error(e.message)
                }
            })
    }

    /// A record the merge touches, as the effects list names it: id, type and name.
    private func describe(_ id: String) -> String {
        if records[id] == nil { records[id] = try? context.backend.record(id: id) }
        guard let r = records[id] else { return id }
        return "\(id) (\(r.type)\(r.name.map { " · " + $0 } ?? ""))"
    }

    private func effectLines(_ plan: MergePlan) -> [StyledLine] {
        var lines: [StyledLine] = []
        for id in plan.repointedChildren {
            lines.append([Span("  child ", CellStyle(.accent)), Span("\(describe(id)): parent_id → ★")])
        }
        for id in plan.repointedAssociations {
            lines.append([Span("  association ", CellStyle(.accent)), Span("\(describe(id)) → ★")])
        }
        for e in plan.movedAside {
            lines.append([
                Span("  moved aside ", CellStyle(.warning)),
                Span("\(e.recordID) \(e.identifier) \(Widgets.short(e.before)) → \(Widgets.short(e.after))"),
            ])
        }
        lines.append([
            Span("  archived ", CellStyle(.dim)),
            Span(plan.loserIDs.joined(separator: ", ") + " with merged_into \(plan.survivorID)"),
        ])
        for w in plan.warnings { lines.append([Span("  warning: \(w)", CellStyle(.warning))]) }
        for e in plan.errors { lines.append([Span("  error: \(e)", CellStyle(.error))]) }
        return lines
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        guard let plan else {
            buffer.put(
                TextLayout.fit(planError ?? "", area.width - 2), row: area.row, column: area.column + 1,
                style: CellStyle(.error))
            return
        }
        var col = buffer.put("rules ", row: area.row, column: area.column + 1, style: CellStyle(.dim))
        col = buffer.put(
            " \(rules.name) ", row: area.row, column: col, maxWidth: area.column + area.width - col,
            style: CellStyle(.selected, bold: true))
        col = buffer.put(
            " ★ " + plan.survivorReason, row: area.row, column: col, maxWidth: area.column + area.width - col - 1,
            style: CellStyle(.accent))
        buffer.put(
            TextLayout.fit("  ● kept · space takes the cell · r rules", max(0, area.column + area.width - col - 1)),
            row: area.row, column: col, style: CellStyle(.dim))
        let effects = effectLines(plan)
        let effectsHeight = min(max(3, effects.count + 2), area.height / 3)
        let grid = Widgets.box(
            into: &buffer,
            Rect(row: area.row + 1, column: area.column, width: area.width, height: area.height - 1 - effectsHeight),
            title: "fields", focused: true)
        drawGrid(plan, into: &buffer, grid)
        let box = Widgets.box(
            into: &buffer,
            Rect(
                row: area.row + area.height - effectsHeight, column: area.column, width: area.width,
                height: effectsHeight),
            title: "effects")
        Widgets.lines(effects, into: &buffer, box)
    }

    private func drawGrid(_ plan: MergePlan, into buffer: inout ScreenBuffer, _ area: Rect) {
        let fields = self.fields
        let fieldWidth = min(26, max(8, fields.map { DisplayWidth.of($0.field) }.max() ?? 8) + 4)
        // Rule names are at most 11 wide ("most-recent"): a narrow screen gives the room to the records.
        let howWidth = area.width < 80 ? 11 : 14
        // Record columns at least 10 wide; when they do not all fit, a window of them scrolls with the
        // cursor (the RESULT and HOW columns always show).
        let minCell = 10
        let all = recordIDs.count
        var cellWidth = (area.width - fieldWidth - howWidth - (all + 1)) / (all + 1)
        var shown = all
        if cellWidth < minCell {
            cellWidth = minCell
            shown = max(1, (area.width - fieldWidth - howWidth - 1) / (cellWidth + 1) - 1)
        }
        firstColumn = min(max(firstColumn, column - shown + 1), column, max(0, all - shown))
        let visible = Array(firstColumn..<min(all, firstColumn + shown))
        func x(_ c: Int) -> Int { area.column + fieldWidth + (c - firstColumn) * (cellWidth + 1) }
        let resultX = area.column + fieldWidth + visible.count * (cellWidth + 1)
        let right = area.column + area.width
        // Headers: each record (★ the survivor), then the result.
        for c in visible {
            let id = recordIDs[c]
            let more = (c == visible.first && c > 0) ? "‹" : (c == visible.last && c < all - 1) ? "›" : ""
            buffer.put(
                TextLayout.fit(more + "\(c + 1)\(c == 0 ? "★" : " ") " + (records[id]?.name ?? id), cellWidth),
                row: area.row, column: x(c), style: CellStyle(.header, bold: true))
        }
        buffer.put(
            "RESULT", row: area.row, column: resultX, maxWidth: right - resultX, style: CellStyle(.header, bold: true))
        buffer.put(
            "HOW", row: area.row, column: resultX + cellWidth + 1, maxWidth: max(0, right - resultX - cellWidth - 1),
            style: CellStyle(.header, bold: true))
        offset = Table.scroll(offset: offset, selected: row, visible: area.height - 1)
        for (n, i) in (offset..<min(fields.count, offset + area.height - 1)).enumerated() {
            let f = fields[i]
            let r = area.row + 1 + n
            buffer.put(
                TextLayout.fit((f.conflicting ? "! " : "  ") + f.field, fieldWidth - 1), row: r, column: area.column,
                style: CellStyle(f.conflicting ? .warning : .normal, bold: i == row))
            let kept = keptColumns(f)
            for (c, v) in f.values.enumerated() where visible.contains(c) {
                let mark = kept.contains(c) ? "●" : " "
                var style = CellStyle(v == nil ? .dim : kept.contains(c) ? .ok : .normal)
                if i == row && c == column { style = CellStyle(.selected, bold: true) }
                buffer.put(TextLayout.pad(mark + Self.text(v), cellWidth), row: r, column: x(c), style: style)
            }
            buffer.put(
                TextLayout.pad(Self.text(f.result), cellWidth), row: r, column: resultX, maxWidth: right - resultX,
                style: CellStyle(.accent))
            buffer.put(
                TextLayout.fit(Self.how(f), howWidth), row: r, column: resultX + cellWidth + 1,
                maxWidth: max(0, right - resultX - cellWidth - 1), style: CellStyle(.dim))
        }
    }

    /// The HOW column: "same" when the records agree, else the rule that chose (or "by hand").
    static func how(_ f: MergeField) -> String {
        if f.choice == .same { return "same" }
        return f.rule?.description ?? "by hand"
    }

    /// A value as a cell shows it: strings without quotes, other values as JSON, a missing one as —.
    static func text(_ v: JSONValue?) -> String { v?.plainText ?? "—" }

    /// The columns whose value the result keeps (several for a union or combined object).
    private func keptColumns(_ f: MergeField) -> Set<Int> {
        switch f.choice {
        case .same: return Set(f.values.indices.filter { f.values[$0] != nil && f.values[$0] == f.result })
        case .picked(let id), .taken(let id): return recordIDs.firstIndex(of: id).map { [$0] } ?? []
        case .union, .combined: return Set(f.values.indices.filter { f.values[$0] != nil })
        case .blank: return []
        }
    }
}
