import ArgumentParser
import RecordCore
import RecordStore

/// `recdeck process [ID]`: each record's result of a bulk request, by the process id its 202 answer gave.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process", abstract: "Show a bulk process's per-record results (without ID: recent processes).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Process id (proc_…), as the bulk dialect's 202 answer gave it.") var id: String?

    func run() throws {
        let store = try global.openStore()
        guard let id else {
            let recent = try store.recentProcesses(limit: 20)
            if global.json {
                Output.json(
                    .array(
                        recent.map { p in
                            [
                                "processId": .string(p.id), "object_type": .string(p.type),
                                "status": .string(p.status.rawValue),
                                "records": .int(Int64(p.results.count)), "created_at": .string(p.createdAt),
                            ]
                        }));
                return
            }
            if recent.isEmpty { Output.out("no bulk processes yet"); return }
            Output.table(
                ["PROCESS", "TYPE", "STATUS", "RECORDS", "CREATED AT"],
                recent.map { p in
                    [p.id, p.type, p.status.rawValue, String(p.results.count), p.createdAt]
                })
            return
        }
        guard let process = try store.process(id: id) else {
            throw CLIError("no bulk process \"\(Output.cell(id, max: 60))\"; `recdeck process` lists recent ones")
        }
        if global.json { Output.json(process.json); return }
        Output.out(
            "process \(process.id)  \(process.type)  \(process.status)  \(process.results.count) records  \(process.createdAt)"
        )
        ResultTable.lines(process.results).forEach(Output.out)
    }
}
