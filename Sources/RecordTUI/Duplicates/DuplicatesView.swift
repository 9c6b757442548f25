import RecordCore
import TerminalScreen

/// Groups of duplicate records of one type under a chosen rule (issue 6). The scan runs in the
/// background with a progress bar; keys keep working and `x` cancels it. `enter` opens the Merge view;
/// `M` merges every listed group at once (issue 16): a dry run first, then its summary to confirm, then
/// one transaction per group under a run id; groups below score 1 go to the run's review queue.
public final class DuplicatesView: View {
    let context: AppContext
    let type: ObjectType
    let rules: [DuplicateRule]
    private(set) var ruleIndex = 0
    private var job: BackgroundJob<DuplicateReport>?
    private(set) var report: DuplicateReport?
    private var notice: (text: String, isError: Bool)?
    private var selected = 0
    private var offset = 0
    /// Group rows on screen, for page keys.
    private var listHeight = 10
    /// Records shown in the group list and detail, fetched once each.
    private lazy var record = RecordCache(context.backend)
    /// The last merge made from here, for `u`.
    private(set) var lastMerge: Int64?
    /// The last bulk run made from here, for `u`.
    private(set) var lastRun: String?
    /// The survivorship rule sets `M` may use, and the one chosen (`R`).
    let mergeRuleSets: [MergeRuleSet]
    private(set) var mergeRuleIndex = 0
    /// A bulk merge in progress: its dry run (then confirmed) or the run itself; or a run's undo.
    private var mergeJob: (job: BackgroundJob<MergeRun>, dryRun: Bool)?
    private var undoJob: BackgroundJob<MergeRunUndo>?
    private var pendingEffect: Effect?
    /// Groups scoring at least this merge in a bulk run; the rest go to review.
    public static let bulkMinScore = 1.0

    public init(context: AppContext, type: ObjectType) {
        self.context = context
        self.type = type
        rules = DuplicateRule.suggestions(for: type, nicknames: context.backend.nicknames)
        let sets = context.backend.mergeRuleSets.sets
        mergeRuleSets = sets.isEmpty ? [.standard] : sets
        startScan()
    }

    deinit { job?.cancel() }

    public var title: String { "dupes \(type.key)" }
    public var isBusy: Bool { job != nil || mergeJob != nil || undoJob != nil }
    public var status: String? {
        if let job { return "scanning \(Int(job.progress.fraction * 100))%" }
        if let mergeJob {
            return "\(mergeJob.dryRun ? "planning" : "merging") \(Int(mergeJob.job.progress.fraction * 100))%"
        }
        if let undoJob { return "undoing \(Int(undoJob.progress.fraction * 100))%" }
        guard let report, !report.groups.isEmpty else { return nil }
        return "group \(selected + 1)/\(report.groups.count)"
    }
    var groups: [DuplicateGroup] { report?.groups ?? [] }

    func startScan() {
        job?.cancel()
        report = nil; selected = 0; offset = 0
        notice = nil
        record.clear()
        job = context.backend.scanDuplicates(type: type.key, rules: [rules[ruleIndex]])
    }

    public func takeEffect() -> Effect? {
        defer { pendingEffect = nil }
        return pendingEffect
    }

    public func tick() -> Bool {
        if let (mj, dryRun) = mergeJob, let outcome = mj.outcome {
            mergeJob = nil
            switch outcome {
            case .done(let run): pendingEffect = dryRun ? confirmBulk(run) : finishedBulk(run)
            case .cancelled: pendingEffect = .message("bulk merge cancelled; groups merged so far stay merged")
            case .failed(let m): pendingEffect = .error(m)
            }
            return true
        }
        if let uj = undoJob, let outcome = uj.outcome {
            undoJob = nil
            switch outcome {
            case .done(let u):
                lastRun = nil
                startScan()
                pendingEffect =
                    u.refused.isEmpty
                    ? .message("undid run \(u.runID): \(u.undone.count) merges, \(u.restoredRecords) records restored")
                    : .error(
                        "undid \(u.undone.count) merges; refused \(u.refused.count) changed since: "
                            + u.refused.map { "merge \($0.merge) (survivor \($0.survivor))" }.joined(separator: ", "))
            case .cancelled: pendingEffect = .message("undo stopped; `recdeck undo --batch RUN` finishes it")
            case .failed(let m): pendingEffect = .error(m)
            }
            return true
        }
        guard let job else { return false }
        switch job.outcome {
        case nil: return true
        case .done(let r)?: report = r; notice = nil
        case .cancelled?: notice = ("scan cancelled; r scans again", false)
        case .failed(let m)?: notice = (m, true)
        }
        self.job = nil
        return true
    }

    /// After a merge elsewhere (or this view's), the groups are stale: scan again.
    func merged(_ id: Int64) {
        lastMerge = id
        startScan()
    }

    public var bindings: [KeyBinding] {
        var b = [
            KeyBinding([.char("j"), .down], "j/k", "next / previous group", hint: true) { [unowned self] in
                selected = min(max(0, groups.count - 1), selected + 1); return .none
            },
            KeyBinding([.char("k"), .up], "k/↑", "previous group") { [unowned self] in
                selected = max(0, selected - 1); return .none
            },
            KeyBinding([.pageDown, .ctrl("f")], "pgdn", "page down") { [unowned self] in
                selected = min(max(0, groups.count - 1), selected + listHeight); return .none
            },
            KeyBinding([.pageUp, .ctrl("b")], "pgup", "page up") { [unowned self] in
                selected = max(0, selected - listHeight); return .none
            },
            KeyBinding([.char("g"), .home], "g/home", "first group") { [unowned self] in
                selected = 0; return .none
            },
            KeyBinding([.char("G"), .end], "G/end", "last group") { [unowned self] in
                selected = max(0, groups.count - 1); return .none
            },
            KeyBinding([.tab, .char("l"), .right], "tab", "next rule, and scan by it", hint: true) { [unowned self] in
                ruleIndex = (ruleIndex + 1) % rules.count; startScan(); return .none
            },
            KeyBinding([.char("h"), .left], "h/←", "previous rule, and scan by it") { [unowned self] in
                ruleIndex = (ruleIndex + rules.count - 1) % rules.count; startScan(); return .none
            },
            KeyBinding([.char("r")], "r", "scan again") { [unowned self] in
                startScan(); return .none
            },
            KeyBinding([.enter], "enter", "merge this group", hint: true) { [unowned self] in
                guard job == nil else { return .message("the scan is still running; wait or press x to cancel it") }
                guard groups.indices.contains(selected) else { return .message("no group selected") }
                return .push(
                    MergeView(context: context, type: type, recordIDs: groups[selected].recordIDs) { [weak self] id in
                        self?.merged(id)
                    })
            },
            KeyBinding([.char("M")], "M", "merge every listed group (a preview of the run first)", hint: true) {
                [unowned self] in startBulk()
            },
            KeyBinding([.char("R")], "R", "next survivorship rule set for M") { [unowned self] in
                mergeRuleIndex = (mergeRuleIndex + 1) % mergeRuleSets.count
                let r = mergeRuleSets[mergeRuleIndex]
                return .message("M merges by rules \(r.name): \(r.summary)")
            },
            KeyBinding(
                [.char("u")], "u", "undo the last merge or bulk run made here", hint: lastMerge != nil || lastRun != nil
            ) { [unowned self] in
                lastRun != nil ? undoLastRun() : undoLastMerge()
            },
        ]
        for (n, rule) in rules.enumerated() where n < 9 {
            b.append(
                KeyBinding([.char(Character(String(n + 1)))], "\(n + 1)", "scan by \(rule)") { [unowned self] in
                    ruleIndex = n; startScan(); return .none
                })
        }
        if job != nil {
            b.insert(
                KeyBinding([.char("x"), .escape], "x/esc", "cancel the scan", hint: true) { [unowned self] in
                    job?.cancel(); return .message("cancelling the scan…")
                }, at: 0)
        }
        return b
    }

    /// `M`: a dry run of the bulk merge over the listed groups, off the main actor; its summary is confirmed.
    private func startBulk() -> Effect {
        guard job == nil, mergeJob == nil, undoJob == nil else { return .message("wait for the work in progress") }
        if let refusal = context.refusal("merge") { return refusal }
        guard !groups.isEmpty else { return .message("no groups to merge") }
        mergeJob = (
            context.backend.autoMerge(
                type: type.key, groups: groups, match: rules[ruleIndex].description,
                rules: mergeRuleSets[mergeRuleIndex], minScore: Self.bulkMinScore, dryRun: true), true
        )
        return .message("planning \(groups.count) groups…")
    }

    private func confirmBulk(_ preview: MergeRun) -> Effect {
        let rules = mergeRuleSets[mergeRuleIndex]
        var lines: [StyledLine] = [
            [Span(preview.summary, CellStyle(bold: true))],
            [Span("rules \(rules.name): \(rules.summary)", CellStyle(.dim))],
            [Span("Each group in its own transaction, under one run id; u undoes the whole run.", CellStyle(.dim))],
        ]
        if preview.count(.review) > 0 {
            lines.append([
                Span(
                    "\(preview.count(.review)) group\(preview.count(.review) == 1 ? "" : "s") below \(String(format2: Self.bulkMinScore)) go to review; its queue opens after the run.",
                    CellStyle(.accent))
            ])
        }
        for g in preview.groups where g.status == .skipped {
            lines.append([Span("skip #\(g.position): \(g.note ?? "")", CellStyle(.warning))])
        }
        return .confirm(
            Confirmation(title: "Merge \(preview.count(.merged)) groups of \(type.key)?", lines: lines) {
                [unowned self] in
                mergeJob = (
                    context.backend.autoMerge(
                        type: type.key, groups: groups, match: self.rules[ruleIndex].description,
                        rules: rules, minScore: Self.bulkMinScore, dryRun: false), false
                )
                return .message("merging…")
            })
    }

    private func finishedBulk(_ run: MergeRun) -> Effect {
        lastRun = run.id
        startScan()
        let text = "run \(run.id ?? ""): \(run.summary); u undoes the run"
        guard let id = run.id, run.count(.review) > 0 else { return .message(text) }
        return .all([.push(ReviewView(context: context, runID: id)), .message(text)])
    }

    private func undoLastRun() -> Effect {
        guard let id = lastRun else { return .none }
        if let refusal = context.refusal("undo") { return refusal }
        return .confirm(
            Confirmation(
                title: "Undo run \(id)?",
                lines: [
                    [
                        Span(
                            "Every merge of the run is undone, each in its own transaction; merges whose records changed since are named and kept."
                        )
                    ]
                ]
            ) { [unowned self] in
                undoJob = context.backend.undoRun(id)
                return .message("undoing the run…")
            })
    }

    private func undoLastMerge() -> Effect {
        guard let id = lastMerge else {
            return .message("no merge made here yet; `recdeck undo --merge ID` undoes older ones")
        }
        if let refusal = context.refusal("undo") { return refusal }
        return .confirm(
            Confirmation(
                title: "Undo merge \(id)?",
                lines: [[Span("Every record the merge wrote gets its earlier state back (one transaction).")]]
            ) { [unowned self] in
                switch context.attempt({ try context.backend.undoMerge(id: id) }) {
                case .success(let records):
                    lastMerge = nil
                    startScan()
                    return .message("undid merge \(id): \(records.count) records restored")
                case .failure(let e): return .error(e.message)
                }
            })
    }

    /// A group's members as a row shows them: each name with the values that tell the members apart (the
    /// rule's keys, email, phone, external id — those that differ within the group), at most four members.
    func members(of g: DuplicateGroup) -> String {
        let rs = g.recordIDs.prefix(4).map { id in (id, record(id)) }
        var sources: [(String, (Record) -> JSONValue?)] = rules[ruleIndex].keys.map { k in
            (k.label, { k.rawValue(of: $0) })
        }
        for key in ["email", "phone"] where !sources.contains(where: { $0.0 == key }) {
            sources.append((key, { $0.data[key] }))
        }
        sources.append(("external_id", { $0.externalID.map(JSONValue.string) }))
        let telling = sources.filter { _, read in Set(rs.map { $0.1.flatMap(read)?.plainText ?? "" }).count > 1 }
        let shown = telling.isEmpty ? Array(sources.prefix(1)) : telling
        let text = rs.map { id, r -> String in
            let values = shown.compactMap { _, read in r.flatMap(read)?.plainText }.map { "<\($0)>" }
            return ([r?.name ?? id] + values).joined(separator: " ")
        }.joined(separator: " · ")
        return g.recordIDs.count > 4 ? text + " · +\(g.recordIDs.count - 4)" : text
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        // Rule picker.
        var col = area.column + 1
        col = buffer.put("Rule ", row: area.row, column: col, style: CellStyle(.dim))
        for (n, rule) in rules.enumerated() {
            let text = " \(n + 1) \(rule) "
            guard col + DisplayWidth.of(text) < area.column + area.width else { break }
            col = buffer.put(
                text, row: area.row, column: col,
                style: n == ruleIndex ? CellStyle(.selected, bold: true) : CellStyle(.hint))
            col += 1
        }
        // Progress, or the summary.
        let line = area.row + 1
        if let job {
            let p = job.progress
            var c = area.column + 1
            c = buffer.put("Scanning by \(rules[ruleIndex]) ", row: line, column: c, style: CellStyle(.accent))
            c = Widgets.progressBar(
                p.fraction, into: &buffer, row: line, column: c, width: max(10, min(40, area.width - 40)))
            buffer.put(" \(p.phase) · x cancels", row: line, column: c, maxWidth: area.column + area.width - c)
            return
        }
        if let notice {
            Widgets.notice(notice, into: &buffer, row: line, area: area)
            return
        }
        let busy =
            mergeJob.map { ($0.job.progress, $0.dryRun ? "Planning the bulk merge " : "Merging ") }
            ?? undoJob.map { ($0.progress, "Undoing the run ") }
        if let (p, label) = busy {
            var c = area.column + 1
            c = buffer.put(label, row: line, column: c, style: CellStyle(.accent))
            c = Widgets.progressBar(
                p.fraction, into: &buffer, row: line, column: c, width: max(10, min(40, area.width - 40)))
            buffer.put(" \(p.phase)", row: line, column: c, maxWidth: area.column + area.width - c)
            return
        }
        guard let report else { return }
        let summary =
            "\(report.scanned) active records scanned · \(report.groups.count) group\(report.groups.count == 1 ? "" : "s")"
            + (mergeRuleIndex == 0 ? "" : " · M merges by \(mergeRuleSets[mergeRuleIndex].name)")
            + (report.warnings.isEmpty ? "" : " · " + report.warnings.joined(separator: "; "))
        buffer.put(TextLayout.fit(summary, area.width - 2), row: line, column: area.column + 1, style: CellStyle(.dim))
        guard !groups.isEmpty else {
            buffer.put(
                "No duplicates under this rule. Tab tries the next one.", row: line + 2, column: area.column + 2,
                maxWidth: area.width - 2)
            return
        }
        // Groups, then the selected group's members and pairs.
        let detailHeight = min(area.height / 2, groups[selected].recordIDs.count + groups[selected].pairs.count + 3)
        let listArea = Rect(
            row: line + 1, column: area.column, width: area.width, height: max(2, area.height - 2 - detailHeight))
        listHeight = max(1, listArea.height - 1)
        offset = Table.scroll(offset: offset, selected: selected, visible: listArea.height - 1)
        let visible = groups[offset..<min(groups.count, offset + listArea.height - 1)]
        // The reason column is as wide as its reasons on screen (at most 44), so members get the rest.
        let reasonWidth = min(44, max(6, visible.map { DisplayWidth.of($0.reason) }.max() ?? 6))
        let rows: [[String]] = groups.indices.map { i in
            guard visible.indices.contains(i) else { return [] }
            let g = groups[i]
            return [String(format2: g.score), String(g.recordIDs.count), g.reason, members(of: g)]
        }
        Table.draw(
            into: &buffer, area: listArea,
            columns: [
                Column("SCORE", 5, right: true), Column("N", 3, right: true), Column("REASON", reasonWidth),
                Column("RECORDS", 0),
            ],
            rows: rows, selected: selected, offset: offset)
        let detail = Widgets.box(
            into: &buffer,
            Rect(
                row: listArea.row + listArea.height, column: area.column, width: area.width,
                height: area.row + area.height - listArea.row - listArea.height), title: "group \(selected + 1)")
        let g = groups[selected]
        var lines: [StyledLine] = g.recordIDs.enumerated().map { n, id in
            let r = record(id)
            // The values the rule compared, beside the name.
            let values = rules[ruleIndex].keys.compactMap { k in
                r.flatMap { k.rawValue(of: $0) }.map { "  \(k.label) " + $0.plainText }
            }
            return [
                Span(n == 0 ? "★" : " ", CellStyle(.accent)), Span("#\(n + 1) ", CellStyle(.dim)), Span(r?.name ?? ""),
                Span(values.joined() + "  "),
                Span(id, CellStyle(.dim)),
            ]
        }
        // Each pair by its members' positions in the list above, then the evidence.
        lines += g.pairs.map { p in
            let a = (g.recordIDs.firstIndex(of: p.second) ?? 0) + 1, b = (g.recordIDs.firstIndex(of: p.first) ?? 0) + 1
            return [
                Span("  #\(a) ~ #\(b): ", CellStyle(.dim)), Span("\(p.reason) (\(String(format2: p.score)))"),
            ]
        }
        Widgets.lines(lines, into: &buffer, detail)
    }
}
