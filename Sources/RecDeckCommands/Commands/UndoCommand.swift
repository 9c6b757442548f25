import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck undo REVISION` or `recdeck undo --merge ID`: write the previous state back as new revisions.
struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Undo a revision (while the record is still at its version), or a whole merge with --merge ID.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Revision number (see `recdeck history`).") var revision: Int64?
    @Option(
        help: "Undo this merge (the id `recdeck merge` printed): every record it wrote gets its earlier state back.")
    var merge: Int64?
    @Option(
        help: "Undo every revision of this batch (a TUI bulk archive or restore names its batch) in one transaction.")
    var batch: String?

    func validate() throws {
        guard [revision != nil, merge != nil, batch != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of REVISION, --merge ID or --batch ID")
        }
    }

    func run() throws {
        try global.requireWritable("undo")
        let store = try global.openStore()
        if let merge {
            let records = try store.undoMerge(id: merge, source: WriteSource("cli"))
            if global.json { Output.json(["merge": .int(merge), "records": .array(records.map(\.json))]); return }
            Output.out("undid merge \(merge): \(records.count) record\(records.count == 1 ? "" : "s") restored")
            for r in records { Output.out("  \(r.id) version \(r.version)\(r.archived ? " (archived)" : "")") }
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
