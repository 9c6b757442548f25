import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// `recdeck merge TYPE SURVIVOR LOSER... [--take FIELD=RECORD]... [--dry-run]`.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge duplicate records into a survivor (undo with `recdeck undo --merge ID`).",
        discussion: """
            Per field the survivor's value is kept, gaps are filled from the losers (in order), arrays are unioned and objects \
            combined; --take FIELD=RECORD picks a record's value instead (FIELD is name, external_id, parent_id or a data key). \
            Losers are archived with merged_into, their identifier values moved aside, and children and associations that \
            pointed at them are re-pointed to the survivor, all in one transaction.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Argument(help: "The record that stays (id, external id or identifier value).") var survivor: String
    @Argument(help: "Records merged into it and archived.") var losers: [String] = []
    @Option(name: .customLong("take"), help: "FIELD=RECORD: take this field's value from that record (repeatable).")
    var takes: [KeyValue] = []
    @Flag(help: "Show the plan; write nothing.") var dryRun = false

    func run() throws {
        guard !losers.isEmpty else {
            throw CLIError("name at least one record to merge into \(survivor)", status: .usage)
        }
        if !dryRun { try global.requireWritable("merge") }
        let (store, _) = try global.openStore(requiringType: type)
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
            let plan = try store.planMerge(type: type, survivor: survivorID, losers: loserIDs, take: take)
            if global.json { Output.json(["dry_run": true, "plan": plan.json]) } else { print(plan) }
            if !plan.isValid { throw CLIError(plan.errors.joined(separator: "; ")) }
            return
        }
        let outcome = try store.merge(
            type: type, survivor: survivorID, losers: loserIDs, take: take, source: WriteSource("cli"))
        if global.json { Output.json(["merge": .int(outcome.id), "plan": outcome.plan.json]); return }
        print(outcome.plan)
        Output.out(
            "merged \(loserIDs.count) record\(loserIDs.count == 1 ? "" : "s") into \(survivorID) (merge \(outcome.id), \(outcome.plan.writes.count) writes); undo with: recdeck undo --merge \(outcome.id)"
        )
    }

    /// The plan as text: the field table, the diff and every knock-on effect.
    private func print(_ plan: MergePlan) {
        Output.out("merge into \(plan.survivorID) (*) from \(plan.loserIDs.joined(separator: ", "))")
        let rows = plan.fields.filter { f in f.values.contains { $0 != nil } }.map { f in
            [f.conflicting ? "!" : "", f.field] + f.values.map { Output.cell($0?.plainText ?? "—", max: 24) }
                + [Output.cell(f.result?.plainText ?? "—", max: 30), f.explanation]
        }
        Output.table(["", "FIELD", "*" + plan.survivorID] + plan.loserIDs + ["RESULT", "HOW"], rows)
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
