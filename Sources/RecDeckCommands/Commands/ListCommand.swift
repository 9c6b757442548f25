import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck list TYPE`: one keyset page of records.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a type's records, one page at a time.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Flag(help: "Include archived records.") var archived = false
    @Flag(help: "Only archived records.") var onlyArchived = false
    @Option(help: "Records per page.") var limit = 50
    @Option(help: "Cursor from the previous page.") var after: Int64?
    @Flag(help: "One record JSON per line.") var jsonl = false

    func run() throws {
        guard limit > 0 else { throw CLIError("--limit must be at least 1", status: .usage) }
        let (store, _) = try global.openStore(requiringType: type)
        let page = try store.list(
            type: type, filter: onlyArchived ? .archived : archived ? .all : .active, after: after, limit: limit)
        if jsonl {
            for r in page.records { Output.out(r.json.jsonText) }
        } else if global.json {
            Output.json(["records": .array(page.records.map(\.json)), "next": page.next.map(JSONValue.int) ?? .null])
        } else {
            Output.table(
                ["ID", "NAME", "EXTERNAL_ID", "VER", "STATE", "UPDATED", "DATA"],
                page.records.map { r in
                    [
                        r.id, Output.cell(r.name ?? ""), Output.cell(r.externalID ?? "", max: 20), String(r.version),
                        r.archived ? "archived" : "active", Timestamp.format(r.updatedAt),
                        Output.cell(r.data.jsonText, max: 60),
                    ]
                })
        }
        if let next = page.next, !global.json {
            // The same listing's next page: its archive filter and page size kept.
            let flags =
                (onlyArchived ? " --only-archived" : archived ? " --archived" : "")
                + (limit == 50 ? "" : " --limit \(limit)")
            Output.err("more: recdeck list \(type)\(flags) --after \(next)")
        }
    }
}
