import ArgumentParser
import Foundation

/// recdeck-bench: figures for README (DESIGN §7). Not a test: machines are shared and noisy, so each run
/// compares recdeck with its peer (raw sqlite3, VisiData, the in-process rate) on the same data in the
/// same run and prints the ratio. Release builds: `swift run -c release recdeck-bench SUBCOMMAND`.
struct RecDeckBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recdeck-bench", abstract: "Benchmarks for README's figures (DESIGN §7).",
        subcommands: [
            ImportBenchCommand.self, TUIBenchCommand.self, DupesBenchCommand.self, OpenBenchCommand.self,
            CrashBenchCommand.self,
            ConcurrencyBenchCommand.self, JSONBenchCommand.self, ServeBenchCommand.self,
        ])
}

/// Refuses a value that must be positive, naming its flag.
func requirePositive(_ values: KeyValuePairs<String, Int>) throws {
    for (flag, value) in values where value <= 0 { throw ValidationError("\(flag) needs a positive number") }
}

struct ImportBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import N contacts twice (creates, updates) beside raw sqlite3 (or psql, with --db postgres://…).")
    @Option(help: "Contacts to generate.") var count = 1_000_000
    @Flag(help: "Keep the generated files and databases.") var keep = false
    @Option(help: "A postgres:// URL: import into the team store there, beside psql on the same server.")
    var db: String?
    func validate() throws { try requirePositive(["--count": count]) }
    func run() throws {
        if let db {
            try PostgresImportBench.run(count: count, server: db, keep: keep)
        } else {
            try ImportBench.run(count: count, keep: keep)
        }
    }
}

struct TUIBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui", abstract: "The Records view on one type of N records: first screen, jumps, filters.")
    @Option(help: "Records in the type.") var count = 1_000_000
    @Option(help: "Where the database is built once and kept.") var db: String?
    @Flag(help: .hidden) var browseOnly = false
    func validate() throws { try requirePositive(["--count": count]) }
    func run() throws { try TUIBench.run(count: count, db: db, browseOnly: browseOnly) }
}

struct DupesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dupes", abstract: "Duplicate scans and bulk merges, each step in a fresh process.")
    @Option(help: "Contacts for the email scan and the merges.") var count = 1_000_000
    @Option(help: "Contacts for the fuzzy-name scan.") var fuzzyCount = 100_000
    @Option(help: "Where the databases are built once and kept.") var folder = FileManager.default
        .temporaryDirectory.path
    @Option(help: .hidden) var scan: String?
    @Option(help: .hidden) var merge: String?
    @Option(help: .hidden) var undo: String?
    @Argument(help: .hidden) var scanPath = ""
    func validate() throws { try requirePositive(["--count": count, "--fuzzy-count": fuzzyCount]) }
    func run() throws {
        try DupesBench.run(
            count: count, fuzzyCount: fuzzyCount, folder: folder, scan: scan, scanPath: scanPath, merge: merge,
            undo: undo)
    }
}

struct OpenBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open an N-line JSONL export directly, beside VisiData loading it.")
    @Option(help: "Contacts in the file.") var count = 1_000_000
    /// A child run: its mode (first, reopen), the file and the cache folder.
    @Option(parsing: .upToNextOption, help: .hidden) var child: [String] = []
    func validate() throws {
        try requirePositive(["--count": count])
        guard child.isEmpty || child.count == 3 else { throw ValidationError("--child MODE FILE CACHE") }
    }
    func run() throws {
        try OpenBench.run(count: count, child: child.isEmpty ? nil : (child[0], child[1], child[2]))
    }
}

struct CrashBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash", abstract: "kill -9 an import K times; every committed batch must be there, whole.")
    @Option(help: "Contacts to import.") var count = 200_000
    @Option(help: "Imports to kill.") var kills = 10
    @Option(help: "Items per transaction.") var batchSize = 1000
    @Option(help: "The seed of the kill times (default: the time).") var seed: UInt64?
    @Option(help: "Working folder.") var folder: String?
    @Option(help: "A postgres:// URL: each import writes into a fresh schema on that server.") var db: String?
    func validate() throws { try requirePositive(["--count": count, "--kills": kills, "--batch-size": batchSize]) }
    func run() throws {
        try CrashBench.run(count: count, kills: kills, batch: batchSize, seed: seed, folder: folder, server: db)
    }
}

struct ConcurrencyBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concurrency", abstract: "P imports upserting the same K new keys into one database at once.")
    @Option(help: "Processes.") var processes = 8
    @Option(help: "New keys each process upserts.") var keys = 1000
    @Option(help: "Keys per transaction.") var batchSize = 1
    @Option(help: "A postgres:// URL: the processes share that server (in a fresh schema, dropped afterwards).")
    var db: String?
    func validate() throws {
        try requirePositive(["--processes": processes, "--keys": keys, "--batch-size": batchSize])
    }
    func run() throws {
        try ConcurrencyBench.run(processes: processes, keys: keys, batch: batchSize, server: db)
    }
}

struct JSONBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json", abstract: "The JSON reader's throughput beside Foundation's JSONSerialization.")
    @Option(help: "JSONL lines.") var count = 200_000
    @Option(help: "Alternating rounds.") var rounds = 3
    func validate() throws { try requirePositive(["--count": count, "--rounds": rounds]) }
    func run() throws { try JSONBench.run(count: count, rounds: rounds) }
}

struct ServeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "recdeck serve under wrk beside in-process upserts.")
    @Option(help: "Seconds at each point.") var seconds = 10
    @Option(help: "Connection counts, comma-separated.") var connections = "1,4,16"
    var connectionCounts: [Int] { connections.split(separator: ",").compactMap { Int($0) } }
    func validate() throws {
        try requirePositive(["--seconds": seconds])
        guard !connectionCounts.isEmpty, connectionCounts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--connections needs positive counts, e.g. 1,4,16")
        }
    }
    func run() throws { try ServeBench.run(seconds: seconds, connections: connectionCounts) }
}

RecDeckBench.main()
