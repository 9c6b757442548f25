import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck export TYPE`: every record as JSONL, in insertion order, archived ones included.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export a type's records as JSONL (archived included).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Flag(help: "Only active records.") var activeOnly = false

    func run() throws {
        let store = try global.openStore()
        guard try store.objectType(type) != nil else { throw CLIError("unknown object type \"\(type)\"") }
        try store.forEachRecord(type: type, filter: activeOnly ? .active : .all) { Output.out($0.json.jsonText) }
    }
}
