import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck archive TYPE KEY`: archive a record (nothing is ever deleted).
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "archive", abstract: "Archive a record.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var record: RecordReference

    func run() throws { try setArchived(true, global: global, record: record) }
}

/// `recdeck restore TYPE KEY`: make an archived record active again.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore an archived record.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var record: RecordReference

    func run() throws { try setArchived(false, global: global, record: record) }
}

private func setArchived(_ archived: Bool, global: GlobalOptions, record: RecordReference) throws {
    try global.requireWritable(archived ? "archive" : "restore")
    let (store, found) = try record.resolve(global)
    let r =
        archived
        ? try store.archive(type: found.type, id: found.id, source: WriteSource("cli"))
        : try store.restore(type: found.type, id: found.id, source: WriteSource("cli"))
    if global.json {
        Output.json(r.json)
    } else {
        Output.out("\(archived ? "archived" : "restored") \(r.id) (version \(r.version))")
    }
}
