import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck conflicts`: the queue of archived-record conflicts parked by imports.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "List archived-record conflicts parked by imports.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Include resolved entries.") var all = false

    func run() throws {
        let entries = try global.openStore().conflicts(pendingOnly: !all)
        if global.json {
            Output.json(
                .array(
                    entries.map { c in
                        [
                            "id": .int(c.id), "type": .string(c.type),
                            "record_id": c.recordID.map(JSONValue.string) ?? .null,
                            "status": .string(c.status.rawValue), "created_at": .string(c.createdAt),
                            "request": (try? JSONValue.parse(c.request)) ?? .string(c.request),
                            "plan": c.plan,
                        ]
                    }))
            return
        }
        if entries.isEmpty { Output.out("no pending conflicts"); return }
        Output.table(
            ["ID", "TYPE", "ARCHIVED RECORD", "STATUS", "PARKED AT", "REQUEST"],
            entries.map { c in
                [
                    String(c.id), c.type, c.recordID ?? "", c.status.rawValue, c.createdAt,
                    Output.cell(c.request, max: 60),
                ]
            })
    }
}
