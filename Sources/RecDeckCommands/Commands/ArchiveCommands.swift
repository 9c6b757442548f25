import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck archive TYPE ID`: archive a record (nothing is ever deleted).
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "archive", abstract: "Archive a record.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Argument(help: "Record id, external id or identifier value.") var id: String

    func run() throws { try setArchived(true, global: global, type: type, id: id) }
}

/// `recdeck restore TYPE ID`: make an archived record active again.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore an archived record.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Argument(help: "Record id, external id or identifier value.") var id: String

    func run() throws { try setArchived(false, global: global, type: type, id: id) }
}

private func setArchived(_ archived: Bool, global: GlobalOptions, type: String, id: String) throws {
    try global.requireWritable(archived ? "archive" : "restore")
    let store = try global.openStore()
    guard try store.objectType(type) != nil else { throw CLIError("unknown object type \"\(type)\"") }
    guard let found = try store.findRecord(type: type, key: id) else { throw CLIError("no \(type) record \"\(Output.cell(id))\"") }
    let r = archived ? try store.archive(type: type, id: found.id, source: WriteSource("cli"))
                     : try store.restore(type: type, id: found.id, source: WriteSource("cli"))
    if global.json { Output.json(r.json) } else { Output.out("\(archived ? "archived" : "restored") \(r.id) (version \(r.version))") }
}
