import ArgumentParser
import RecordStore

/// `recdeck undo REVISION`: write a revision's previous state back as a new revision.
struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "undo", abstract: "Undo a revision (only while the record is still at that revision's version).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Revision number (see `recdeck history`).") var revision: Int64

    func run() throws {
        try global.requireWritable("undo")
        let r = try global.openStore().undo(revision: revision, source: WriteSource("cli"))
        if global.json { Output.json(r.json) } else { Output.out("undid revision \(revision): \(r.id) is now at version \(r.version)\(r.archived ? " (archived)" : "")") }
    }
}
