import ArgumentParser
import RecordCore

/// `recdeck get TYPE KEY`: one record, by id or by an identifier value.
struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show one record (by id, external id or identifier value).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var record: RecordReference

    func run() throws {
        let (_, r) = try record.resolve(global)
        if global.json { Output.json(r.json); return }
        // Line by line, so newlines stay newlines while controls inside values become placeholders.
        for line in r.json.prettyText.split(separator: "\n", omittingEmptySubsequences: false) {
            Output.out(Output.cell(String(line), max: Int.max))
        }
    }
}
