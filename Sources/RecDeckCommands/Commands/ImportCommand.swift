import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// `recdeck import TYPE FILE`: JSONL or a JSON array, batches of 1000 per transaction.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import requests (JSONL, a JSON array or CSV) in batches of 1000 per transaction.",
        discussion: """
            Items are native requests, or plain data objects with --key PATH. A .csv file is read as plain data objects: \
            its header row names the attributes, typed by the schema (numbers, booleans, JSON arrays); empty cells are left out. With --dialect bulk each item is a bulk request body \
            ({"records": [...]}, or the whole file as one such object) applied as one batch under its own process id. \
            Prompt-mode archive conflicts are parked in the conflict queue (recdeck conflicts).
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Argument(help: "JSONL, JSON array or .csv file.") var file: String
    @Option(help: "Item dialect: native (each item one request) or bulk (each item one batch request).") var dialect =
        "native"
    @Option(help: "Items are plain data objects looked up by this JSONPath.") var key: String?
    @Option(help: "Archive mode for items that do not set one.")
    var onArchivedMatch: ArchivedMatchMode?
    @Option(help: "Items per transaction (1–1000).") var batchSize = 1000
    @Flag(help: "Report each committed batch on stderr.") var verbose = false

    func run() throws {
        try global.requireWritable("import")
        guard (1...Limits.maxBatch).contains(batchSize) else {
            throw CLIError("--batch-size must be 1 to \(Limits.maxBatch)", status: .usage)
        }
        var keyPath: JSONPath?
        if let key {
            do { keyPath = try JSONPath(parsing: key) } catch { throw CLIError("--key: \(error)", status: .usage) }
        }
        guard dialect == "native" || dialect == "bulk" else {
            throw CLIError(
                "import reads --dialect native or bulk items, not \"\(dialect)\"; send single-record dialects with `recdeck upsert`",
                status: .usage)
        }
        if dialect == "bulk", key != nil || onArchivedMatch != nil || batchSize != Limits.maxBatch {
            throw CLIError(
                "--key, --on-archived-match and --batch-size apply to native items; a bulk item is its own batch",
                status: .usage)
        }
        let (store, _) = try global.openStore(requiringType: type)
        if dialect == "bulk" { return try runBulk(store) }
        let progress = Output.stderrIsTerminal && !global.json
        let importer = Importer(type: type, keyPath: keyPath, onArchivedMatch: onArchivedMatch, batchSize: batchSize)
        let summary = try importer.run(file, into: store) { batch, first, last, done, size in
            if verbose { Output.err("batch \(batch) committed: items \(first)–\(last)") }
            if progress { Output.progress(size > 0 ? Double(done) / Double(size) : 1, "\(last) items") }
        }
        if progress { Output.clearProgress() }
        try report(summary)
    }

    private func runBulk(_ store: any RecordStoring) throws {
        let importer = Importer(type: type)
        let summary = try importer.runBulk(file, into: store) { label, exchange in
            guard !global.json else { return }
            let counts = Dictionary(grouping: exchange.plans, by: { $0.decision.rawValue }).mapValues(\.count)
            let text = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            if let id = exchange.processID {
                Output.out(
                    "\(label): process \(id): \(exchange.plans.count) record\(exchange.plans.count == 1 ? "" : "s"): \(text)\(exchange.committed ? "" : " (atomic batch rolled back)")"
                )
            }
        }
        try report(summary)
    }

    /// Prints the summary and fails when any item was not applied.
    private func report(_ summary: ImportSummary) throws {
        let parked = summary.parkedConflicts
        if global.json {
            Output.json([
                "items": .int(Int64(summary.items)), "batches": .int(Int64(summary.batches)),
                "seconds": .double((summary.seconds * 1000).rounded() / 1000),
                "decisions": .object(JSONObject(summary.decisions.mapValues { .int(Int64($0)) })),
                "parked_conflicts": .int(Int64(parked)),
                "processes": .array(summary.processes.map(JSONValue.string)),
                "errors": .array(summary.errors.map(JSONValue.string)),
            ])
        } else {
            Output.out(
                "imported \(summary.items) items in \(summary.batches) batch\(summary.batches == 1 ? "" : "es") (\(String(format: "%.2f", summary.seconds)) s)"
            )
            for (k, v) in summary.decisions.sorted(by: { $0.key < $1.key }) {
                Output.out("  \(k.padding(toLength: 17, withPad: " ", startingAt: 0)) \(v)")
            }
            if parked > 0 {
                Output.out(
                    "\(parked) archived-record conflict\(parked == 1 ? "" : "s") parked: see `recdeck conflicts`")
            }
            for e in summary.errors { Output.err(Output.cell(e, max: 300)) }
        }
        let failed = summary.failed
        if failed > 0 {
            throw CLIError(
                "\(failed) item\(failed == 1 ? "" : "s") not applied (see above); every other item was committed")
        }
    }
}
