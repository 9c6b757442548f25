import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck undo REVISION` or `recdeck undo --merge ID`: write the previous state back as new revisions.
struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract:
            "Undo a revision (while the record is still at its version), a whole merge with --merge ID, or a batch or merge run with --batch ID."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Revision number (see `recdeck history`).") var revision: Int64?
    @Option(
        help: "Undo this merge (the id `recdeck merge` printed): every record it wrote gets its earlier state back.")
    var merge: Int64?
    @Option(
        help: """
            Undo every revision of this batch (a TUI bulk archive or restore names its batch) in one transaction; or, for             a merge run (run_…), every merge of the run, each in its own transaction, naming any refused because its             records changed since.
            """)
    var batch: String?

    func validate() throws {
        guard [revision != nil, merge != nil, batch != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of REVISION, --merge ID or --batch ID")
        }
    }

    func run() throws {
        try global.requireWritable("undo")
        let store = try global.openStore()
        /// Merges live in the SQLite store so far.
        func mergeStore() throws -> RecordStore { try GlobalOptions.sqlite(store, for: "undoing a merge") }
        if let merge {
            let records = try mergeStore().undoMerge(id: merge, source: WriteSource("cli"))
            if global.json { Output.json(["merge": .int(merge), "records": .array(records.map(\.json))]); return }
            Output.out("undid merge \(merge): \(records.count) record\(records.count == 1 ? "" : "s") restored")
            for r in records { Output.out("  \(r.id) version \(r.version)\(r.archived ? " (archived)" : "")") }
            return
        }
        if let batch, batch.hasPrefix("run_") {
            let showProgress = Output.stderrIsTerminal && !global.json
            let undo = try mergeStore().undoRun(
                batch, source: WriteSource("cli"),
                progress: { f in
                    if showProgress { Output.progress(f, "undoing merges") }
                    return true
                })
            if showProgress { Output.clearProgress() }
            if global.json {
                Output.json([
                    "run": .string(batch), "undone": .array(undo.undone.map { .int($0) }),
                    "records": .int(Int64(undo.restoredRecords)),
                    "refused": .array(
                        undo.refused.map {
                            ["merge": .int($0.merge), "survivor": .string($0.survivor), "reason": .string($0.reason)]
                        }),
                ])
            } else {
                Output.out(
                    "undid run \(batch): \(undo.undone.count) merge\(undo.undone.count == 1 ? "" : "s") undone, \(undo.restoredRecords) records restored"
                )
                for r in undo.refused { Output.err("refused merge \(r.merge) (survivor \(r.survivor)): \(r.reason)") }
            }
            if !undo.refused.isEmpty {
                throw CLIError(
                    "\(undo.refused.count) merge\(undo.refused.count == 1 ? " was" : "s were") refused (records changed since); undo their later changes first, then run this again"
                )
            }
            return
        }
        if let batch {
            let records = try store.undoBatch(batch, source: WriteSource("cli"))
            if global.json { Output.json(["batch": .string(batch), "records": .array(records.map(\.json))]); return }
            Output.out("undid batch \(batch): \(records.count) revision\(records.count == 1 ? "" : "s") written back")
            return
        }
        guard let revision else { return }
        let r = try store.undo(revision: revision, source: WriteSource("cli"))
        if global.json {
            Output.json(r.json)
        } else {
            Output.out(
                "undid revision \(revision): \(r.id) is now at version \(r.version)\(r.archived ? " (archived)" : "")")
        }
    }
}
