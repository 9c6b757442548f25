import ArgumentParser
import RecordCore

/// `recdeck get TYPE KEY`: one record, by id or by an identifier value.
struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one record (by id, external id or identifier value).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var record: RecordReference

    func run() throws {
        let r = try record.resolve(in: global.openStore())
        Output.out(global.json ? r.json.prettyText : Output.cell(r.json.prettyText, max: Int.max))
    }
}
