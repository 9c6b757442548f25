import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// `recdeck merge TYPE SURVIVOR LOSER... [--take FIELD=RECORD]... [--rules R] [--dry-run]`, or
/// `recdeck merge --auto TYPE --rule R [--rules R] [--min-score S] [--dry-run]` for a bulk run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge duplicate records into a survivor, or every duplicate group at once with --auto.",
        discussion: """
            Each field follows the rule set (--rules: a built-in name, a file, or a name in \
            $XDG_CONFIG_HOME/recdeck/merge-rules/); the default keeps the oldest record's values, fills blanks from the \
            others, unions arrays and combines objects. --take FIELD=RECORD picks a record's value by hand. Losers are \
            archived with merged_into, their identifier values moved aside, and children and associations that pointed at \
            them are re-pointed to the survivor, all in one transaction. Undo with `recdeck undo --merge ID`.

            --auto scans TYPE by --rule (as `recdeck dupes` does) and merges each group scoring at least --min-score in \
            its own transaction, the survivor chosen by the rule set's master rules, under one run id; a group that \
            cannot be merged is skipped with its reason, and groups below the score wait in the run's review queue (the \
            TUI's :review). Undo the run with `recdeck undo --batch RUN`; `recdeck merges` lists merges and runs.
            """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Merge every duplicate group of TYPE found by --rule (a bulk run).") var auto = false
    @Argument(help: "Type key.") var type: String
    @Argument(help: "The record that stays (id, external id or identifier value).") var survivor: String?
    @Argument(help: "Records merged into it and archived.") var losers: [String] = []
    @Option(name: .customLong("take"), help: "FIELD=RECORD: take this field's value from that record (repeatable).")
    var takes: [KeyValue] = []
    @Option(help: "Survivorship rule set: a built-in (default, most-complete, most-recent), a TOML file, or its name.")
    var rules: String?
    @Option(
        name: .customLong("rule"),
        help: "With --auto: the duplicate rule (\(DuplicateRule.syntax)); repeatable; default as `recdeck dupes`.")
    var matchRules: [String] = []
    @Option(help: "With --auto: merge groups scoring at least this (0–1); the rest go to review.")
    var minScore = 1.0
    @Option(help: "With --auto --dry-run: groups to show (human output).") var limit = 10
    @Option(help: "A nickname file adding to the built-in list (for the nickname rule).") var nicknames: String?
    @Flag(help: "Show the plan; write nothing.") var dryRun = false

    func validate() throws {
        guard (0...1).contains(minScore) else {
            throw ValidationError("--min-score \(minScore) is outside 0–1; e.g. --min-score 0.9")
        }
        if auto {
            guard survivor == nil else {
                throw ValidationError("--auto takes only TYPE; it finds the groups itself (got \"\(survivor!)\")")
            }
            guard takes.isEmpty else {
                throw ValidationError("--take picks one merge's values; it cannot go with --auto")
            }
        } else if !matchRules.isEmpty {
            throw ValidationError("--rule chooses how --auto finds groups; for one merge name the records")
        }
    }

    func run() throws {
        let ruleSet: MergeRuleSet
        do { ruleSet = try MergeRulesFile.load(rules) } catch { throw CLIError(error.description, status: .usage) }
        if auto { return try runAuto(ruleSet) }
        guard let survivor, !losers.isEmpty else {
            throw CLIError("name at least one record to merge into \(survivor ?? "the survivor")", status: .usage)
        }
        if !dryRun { try global.requireWritable("merge") }
        let (store, objectType) = try global.openSQLiteStore(for: "merge", requiringType: type)
        do { try ruleSet.check(for: objectType) } catch { throw CLIError(error.description, status: .usage) }
        func resolve(_ key: String) throws -> String {
            guard let r = try store.findRecord(type: type, key: key) else {
                throw CLIError("no \(type) record \"\(Output.cell(key))\"")
            }
            return r.id
        }
        let survivorID = try resolve(survivor)
        let loserIDs = try losers.map(resolve)
        var take: [String: String] = [:]
        for t in takes { take[t.key] = try resolve(t.value) }
        if dryRun {
            let plan = try store.planMerge(
                type: type, survivor: survivorID, losers: loserIDs, take: take, rules: ruleSet)
            if global.json { Output.json(["dry_run": true, "plan": plan.json]) } else { MergeText.print(plan) }
            if !plan.isValid { throw CLIError(plan.errors.joined(separator: "; ")) }
            return
        }
        let outcome = try store.merge(
            type: type, survivor: survivorID, losers: loserIDs, take: take, rules: ruleSet, source: WriteSource("cli"))
        if global.json { Output.json(["merge": .int(outcome.id), "plan": outcome.plan.json]); return }
        MergeText.print(outcome.plan)
        Output.out(
            "merged \(loserIDs.count) record\(loserIDs.count == 1 ? "" : "s") into \(survivorID) (merge \(outcome.id), \(outcome.plan.writes.count) writes); undo with: recdeck undo --merge \(outcome.id)"
        )
    }

    /// `--auto`: scan, then merge group by group under one run, with a progress bar and a summary.
    private func runAuto(_ ruleSet: MergeRuleSet) throws {
        if !dryRun { try global.requireWritable("merge --auto") }
        let (store, objectType) = try global.openSQLiteStore(for: "merge", requiringType: type)
        do { try ruleSet.check(for: objectType) } catch { throw CLIError(error.description, status: .usage) }
        let names = try NicknameFile.table(extraFile: nicknames)
        let parsed = try DupesCommand.parseRules(matchRules, for: objectType, nicknames: names)
        let showProgress = Output.stderrIsTerminal && !global.json
        guard
            let report = try store.scanDuplicates(
                type: type, rules: parsed,
                progress: { p in
                    if showProgress { Output.progress(p.fraction, "scanning: \(p.phase)") }
                    return true
                })
        else { return }
        let match = parsed.map(\.description).joined(separator: " or ")
        guard !report.groups.isEmpty else {
            if showProgress { Output.clearProgress() }
            if global.json { Output.json(["groups": [], "scanned": .int(Int64(report.scanned))]); return }
            Output.out("\(type): \(report.scanned) active records scanned by \(match); no duplicates, nothing to merge")
            return
        }
        let run = try store.autoMerge(
            type: type, groups: report.groups, match: match, rules: ruleSet, minScore: minScore, dryRun: dryRun,
            source: WriteSource("cli"),
            progress: { f in
                if showProgress { Output.progress(f, dryRun ? "planning" : "merging") }
                return true
            })
        if showProgress { Output.clearProgress() }
        if global.json { Output.json(run.json); return }
        Output.out(
            "\(type): \(report.scanned) active records scanned by \(match); \(report.groups.count) group\(report.groups.count == 1 ? "" : "s"); rules \(ruleSet.name), min score \(String(format2: minScore))"
        )
        for w in report.warnings { Output.err("warning: \(w)") }
        Output.out((dryRun ? "dry run, nothing written: would be " : "") + run.summary)
        if dryRun {
            for g in run.groups.filter({ $0.status != .review }).prefix(limit) {
                Output.out("")
                Output.out(
                    "#\(g.position)  score \(String(format2: g.score))  \(g.recordIDs.count) records  \(g.reason)")
                if let plan = g.plan, plan.isValid {
                    let name = plan.result.name.map { " (\(Output.cell($0, max: 40)))" } ?? ""
                    Output.out("  survivor \(plan.survivorID)\(name): \(plan.survivorReason)")
                    for f in plan.fields where f.conflicting {
                        Output.out(
                            "  \(f.field) = \(Output.cell(f.result?.plainText ?? "—", max: 36))  (\(f.explanation))")
                    }
                } else {
                    Output.out("  skipped: \(g.note ?? "")")
                }
            }
        } else {
            for g in run.groups where g.status == .skipped {
                Output.out("skipped #\(g.position) (\(g.recordIDs.joined(separator: ", "))): \(g.note ?? "")")
            }
        }
        let review = run.count(.review)
        if let id = run.id {
            Output.out("run \(id)")
            if review > 0 {
                Output.out(
                    "\(review) group\(review == 1 ? "" : "s") below \(String(format2: minScore)) wait for review: :review in the TUI (recdeck tui), or list them with recdeck merges --run \(id)"
                )
            }
            Output.out("undo with: recdeck undo --batch \(id)")
        }
    }
}

/// A merge plan as text: the survivor and why, the field table with each choice explained, the diff and
/// every knock-on effect.
enum MergeText {
    static func print(_ plan: MergePlan) {
        Output.out(
            "merge into \(plan.survivorID) (*) from \(plan.loserIDs.joined(separator: ", ")) · rules \(plan.rules)")
        Output.out("survivor: \(plan.survivorReason)")
        let rows = plan.fields.filter { f in f.values.contains { $0 != nil } }.map { f in
            [f.conflicting ? "!" : "", f.field] + f.values.map { Output.cell($0?.plainText ?? "—", max: 24) }
                + [Output.cell(f.result?.plainText ?? "—", max: 30), f.explanation]
        }
        Output.table(["", "FIELD", "*" + plan.survivorID] + plan.loserIDs + ["RESULT", "WHY"], rows)
        if !plan.diff.isEmpty {
            Output.out("survivor changes:")
            for d in plan.diff {
                Output.out(
                    "  \(d.op.symbol) \(d.path): \(Output.cell(d.before?.jsonText ?? "", max: 30)) → \(Output.cell(d.after?.jsonText ?? "", max: 30))"
                )
            }
        }
        for e in plan.movedAside {
            Output.out(
                "moved aside on \(e.recordID): \(e.identifier) \(Output.cell(e.before.jsonText, max: 40)) → \(Output.cell(e.after.jsonText, max: 60))"
            )
        }
        for id in plan.repointedChildren { Output.out("re-pointed child: \(id) parent_id → \(plan.survivorID)") }
        for id in plan.repointedAssociations { Output.out("re-pointed association: \(id) → \(plan.survivorID)") }
        Output.out("archived with merged_into \(plan.survivorID): \(plan.loserIDs.joined(separator: ", "))")
        for w in plan.warnings { Output.err("warning: \(w)") }
        for e in plan.errors { Output.err("error: \(e)") }
    }
}
