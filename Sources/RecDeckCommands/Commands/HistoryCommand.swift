import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck history TYPE KEY`: a record's revisions.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show a record's revisions (undo one with `recdeck undo REVISION`).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var record: RecordReference

    func run() throws {
        let (store, r) = try record.resolve(global)
        let revisions = try store.history(recordID: r.id)
        if global.json {
            Output.json(
                .array(
                    revisions.map { v in
                        [
                            "revision": .int(v.id), "version": .int(Int64(v.version)), "op": .string(v.op.rawValue),
                            "source": .string(v.source),
                            "batch": v.batch.map(JSONValue.string) ?? .null, "at": .string(v.at),
                            "before": v.before?.json ?? .null, "after": v.after.json,
                        ]
                    }))
            return
        }
        Output.table(
            ["REV", "VER", "OP", "SOURCE", "AT", "CHANGES"],
            revisions.map { v in
                let changes = Planner.diff(v.before, v.after).map {
                    "\($0.op.symbol)\($0.path)"
                }
                return [
                    String(v.id), String(v.version), v.op.rawValue, v.source, v.at,
                    Output.cell(changes.joined(separator: " "), max: 70),
                ]
            })
    }
}
