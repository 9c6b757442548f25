import ArgumentParser
import RecordCore

/// `recdeck get TYPE ID`: one record, by id or by an identifier value.
struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one record (by id, external id or identifier value).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Argument(help: "Record id, external id or identifier value.") var id: String

    func run() throws {
        let store = try global.openStore()
        guard try store.objectType(type) != nil else { throw CLIError("unknown object type \"\(type)\"") }
        guard let r = try store.findRecord(type: type, key: id) else { throw CLIError("no \(type) record \"\(Output.cell(id))\"") }
        Output.out(global.json ? r.json.prettyText : Output.cell(r.json.prettyText, max: Int.max))
    }
}
