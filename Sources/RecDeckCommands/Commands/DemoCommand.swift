import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// `recdeck demo [--reset]`: create the demo database (through the real engine) and example requests.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create the demo database (contacts, companies, properties) and example requests.",
        discussion:
            "Without --db or $RECDECK_DB the demo lives at $XDG_DATA_HOME/recdeck/demo.sqlite. An existing demo database is reused; --reset rebuilds it."
    )
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Rebuild the demo database from scratch (only a database recdeck created as a demo).") var reset = false

    func run() throws {
        let path = try global.databasePath(defaultName: "demo.sqlite")
        let store = try Self.prepare(path: path, readOnly: global.readOnly, reset: reset)
        try summarize(store, path: path, examples: Self.examplesFolder(path))
    }

    /// Where the example requests live: beside the demo database.
    static func examplesFolder(_ path: String) -> URL {
        URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("recdeck-demo-requests")
    }

    /// Opens the demo database at `path`, building it (and its example files) when missing or on `reset`.
    /// A database that holds other data is never touched.
    static func prepare(path: String, readOnly: Bool, reset: Bool = false, concurrentReads: Bool = false) throws
        -> RecordStore
    {
        let examples = examplesFolder(path)
        if FileManager.default.fileExists(atPath: path) {
            let existing = try RecordStore.open(path: path, readOnly: true)
            let isDemo = try existing.meta("demo") == "1"
            let hasTypes = try !existing.types().isEmpty
            if reset {
                if readOnly {
                    throw CLIError("--read-only: demo --reset would write to the database; refused, nothing written")
                }
                guard isDemo || !hasTypes else {
                    throw CLIError(
                        "\(path) is not a demo database; --reset only rebuilds databases `recdeck demo` created")
                }
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            } else if isDemo {
                // A demo made by an older recdeck may lack newer examples: add the missing files.
                if !readOnly { try writeExamples(to: examples, onlyMissing: true) }
                return readOnly ? existing : try RecordStore.open(path: path, concurrentReads: concurrentReads)
            } else if hasTypes {
                throw CLIError("\(path) already holds data and is not a demo database; use another --db")
            }
        }
        if readOnly {
            throw CLIError("--read-only: building the demo would write to the database; refused, nothing written")
        }
        let store = try RecordStore.open(path: path, concurrentReads: concurrentReads)
        try Demo.build(into: store)
        try writeExamples(to: examples)
        return store
    }

    private static func writeExamples(to folder: URL, onlyMissing: Bool = false) throws {
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for e in DemoData.examples
        where !onlyMissing || !FileManager.default.fileExists(atPath: folder.appendingPathComponent(e.file).path) {
            try Data((e.body.prettyText + "\n").utf8).write(to: folder.appendingPathComponent(e.file))
        }
    }

    private func summarize(_ store: RecordStore, path: String, examples: URL) throws {
        let types = try store.types()
        if global.json {
            Output.json([
                "database": .string(path), "examples": .string(examples.path),
                "types": .object(
                    JSONObject(
                        types.map {
                            ($0.type.key, ["active": .int(Int64($0.active)), "archived": .int(Int64($0.archived))])
                        })),
            ])
            return
        }
        Output.out("demo database  \(path)")
        for t in types {
            Output.out(
                "  \(t.type.key.padding(toLength: 12, withPad: " ", startingAt: 0)) \(t.active) active, \(t.archived) archived"
            )
        }
        Output.out("example requests  \(examples.path)")
        // Copy-pastable commands: the binary's own path (after `swift run`, recdeck is not on PATH).
        let argv0 = CommandLine.arguments.first ?? "recdeck"
        let binary = argv0.contains("/") ? URL(fileURLWithPath: argv0).standardizedFileURL.path : argv0
        for e in DemoData.examples {
            let dialect = e.dialect == "native" ? "" : " --dialect \(e.dialect)"
            let query = e.query.map { " --query '\($0)'" }.joined()
            Output.out(
                "  \(binary) plan --db \(path)\(dialect)\(query) \(e.type) \(examples.appendingPathComponent(e.file).path)"
            )
            Output.out("      → \(e.expect)")
        }
    }
}

/// Builds the demo content through the real engine (import batches, then archives).
enum Demo {
    static func build(into store: RecordStore) throws {
        for t in DemoData.types { try store.applyType(ObjectType(json: t)) }
        let (byType, archive) = DemoData.requests()
        for (type, bodies) in byType {
            let items = bodies.map { body in
                ImportItem(request: NativeRequest.result(type: type, body: body), body: body)
            }
            for plan in try store.importBatch(items, type: type, source: WriteSource("demo"))
            where plan.decision.isError {
                throw CLIError("demo data rejected: \(plan.errorSummary)")
            }
        }
        for (type, key) in archive {
            guard let r = try store.findRecord(type: type, key: key) else {
                throw CLIError("demo: \(type) \(key) missing")
            }
            try store.archive(type: type, id: r.id, source: WriteSource("demo"))
        }
        // The duplicate Jane Smith (D0B) owns two properties and is associated with a company, so merging
        // her into D0A shows children and associations re-pointed.
        guard let loser = try store.findRecord(type: "contacts", key: "D0B") else {
            throw CLIError("demo: contact D0B missing")
        }
        let relations: [(String, JSONValue)] = [
            ("properties", ["lookup": ["identifier": "id", "value": "X1001"], "parent_id": .string(loser.id)]),
            ("properties", ["lookup": ["identifier": "id", "value": "X1002"], "parent_id": .string(loser.id)]),
            (
                "companies",
                ["lookup": ["identifier": "name", "value": "Globex Corp"], "associations": [.string(loser.id)]]
            ),
        ]
        for (type, body) in relations {
            let plan = try store.upsert(NativeRequest.result(type: type, body: body).get(), source: WriteSource("demo"))
            if plan.decision.isError { throw CLIError("demo relation rejected: \(plan.errorSummary)") }
        }
        // Duplicates of different ages, for survivorship rules: each written as if that many days ago.
        for plant in DemoData.survivorshipPlants {
            let plan = try store.shifted(by: -Double(plant.days) * 86_400).upsert(
                NativeRequest.result(type: "contacts", body: plant.body).get(), source: WriteSource("demo"))
            if plan.decision.isError { throw CLIError("demo plant rejected: \(plan.errorSummary)") }
        }
        let hostile = DemoData.hostileContacts.map { body in
            ImportItem(request: NativeRequest.result(type: "contacts", body: body), body: body)
        }
        _ = try store.importBatch(hostile, type: "contacts", source: WriteSource("demo"))
        // Requests that meet archived contacts in prompt mode: parked in the conflict queue, for the
        // Conflicts view to work through.
        let parked = DemoData.parkedConflicts.map { body in
            ImportItem(request: NativeRequest.result(type: "contacts", body: body), body: body)
        }
        _ = try store.importBatch(parked, type: "contacts", source: WriteSource("demo"))
        try store.setMeta("demo", "1")
    }
}
