import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// `recdeck merges [--run RUN] [--json]`: merges and bulk merge runs, with their ids and undo state.
struct MergesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merges", abstract: "List merges and merge runs (newest first), or one run's groups with --run.")
    @OptionGroup var global: GlobalOptions
    @Option(
        name: .customLong("run"),
        help: "Show this run's groups: merged, skipped with the reason, and waiting for review.")
    var runID: String?
    @Option(help: "How many merges and runs to list.") var limit = 20

    func run() throws {
        guard limit > 0 else { throw CLIError("--limit must be at least 1", status: .usage) }
        let store = try global.openSQLiteStore(for: "merges")
        if let runID {
            let r = try store.mergeRun(runID)
            if global.json { Output.json(r.json); return }
            Output.out(describe(r))
            Output.table(
                ["#", "STATUS", "SCORE", "RECORDS", "REASON", "NOTE"],
                r.groups.map { g in
                    [
                        String(g.position), g.status.rawValue, String(format2: g.score),
                        g.recordIDs.joined(separator: " "),
                        g.reason, Output.cell(g.note ?? "", max: 60),
                    ]
                })
            return
        }
        let runs = try store.mergeRuns(limit: limit)
        let merges = try store.merges(limit: limit)
        if global.json {
            Output.json(["runs": .array(runs.map(\.json)), "merges": .array(merges.map(\.json))])
            return
        }
        Output.out("runs:")
        if runs.isEmpty { Output.out("  none (recdeck merge --auto TYPE --rule R makes one)") }
        for r in runs { Output.out("  " + describe(r)) }
        Output.out("merges:")
        if merges.isEmpty { Output.out("  none") }
        Output.tableLines(
            ["ID", "TYPE", "SURVIVOR", "LOSERS", "RUN", "AT", "UNDONE"],
            merges.map { m in
                [
                    String(m.id), m.type, m.survivorID, String(m.loserIDs.count), m.runID ?? "—",
                    Timestamp.format(m.at), m.undoneAt.map(Timestamp.format) ?? "",
                ]
            }
        ).forEach { Output.out("  " + $0) }
    }

    private func describe(_ r: MergeRun) -> String {
        "\(r.id ?? "dry run")  \(r.type) by \(r.match), rules \(r.rules), min \(String(format2: r.minScore))  \(Timestamp.format(r.startedAt))  \(r.summary)\(r.undoneAt.map { "  undone " + Timestamp.format($0) } ?? "")"
    }
}
