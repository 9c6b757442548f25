import Foundation
import RecDeckCommands
import RecordCore
import RecordStore
import RecordStorePostgres

/// `recdeck-bench import --db postgres://… [--count N]`: N contacts imported twice through the real importer,
/// engine and team store (all creates, then all updates), beside `psql` doing `INSERT … ON CONFLICT DO UPDATE` on
/// the same JSON into a plain table (1000 rows per transaction) on the same server, in the same run. Each side
/// writes into a schema of its own, dropped afterwards.
enum PostgresImportBench {
    static func run(count: Int, server url: String, keep: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-bench-pg-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
        let location = try PostgresLocation(url: url).with(schema: "recdeck_bench_import_\(getpid())")
        let rawSchema = "recdeck_bench_raw_\(getpid())"

        print("generating \(count) contacts…")
        let jsonl = try (1...2).map { pass in
            try ImportBench.writeLines(folder.appendingPathComponent("pass\(pass).jsonl").path, count: count) {
                ImportBench.contactJSON($0, pass: pass)
            }
        }
        // The raw baseline: the same JSON through psql's INSERT … ON CONFLICT DO UPDATE, 1000 rows per transaction.
        let sql = try (1...2).map { pass in
            try ImportBench.writeLines(folder.appendingPathComponent("pass\(pass).sql").path, count: count) { i in
                (i == 0 ? "SET search_path TO \(rawSchema);\n" : "")
                    + ImportBench.upsertSQL(i, count: count, pass: pass)
            }
        }

        let store = try PostgresStore.open(location)
        defer {
            if !keep { try? store.dropSchema() }
            store.close()
        }
        try store.applyType(ImportBench.contactsType)
        let importer = Importer(type: "contacts", keyPath: try JSONPath(parsing: "$.email"))
        var recdeckTimes: [Double] = []
        for (n, file) in jsonl.enumerated() {
            var summary: ImportSummary?
            recdeckTimes.append(try time { summary = try importer.run(file, into: store, source: "bench") })
            let expected = n == 0 ? "create" : "update"
            guard summary?.decisions[expected] == count else {
                fail("pass \(n + 1): expected \(count) \(expected), got \(summary?.decisions ?? [:])")
            }
        }

        let psql = { (args: [String]) throws in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["psql", url, "-q", "-v", "ON_ERROR_STOP=1"] + args
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { fail("psql exited with \(p.terminationStatus)") }
        }
        try psql([
            "-c", "DROP SCHEMA IF EXISTS \(rawSchema) CASCADE", "-c", "CREATE SCHEMA \(rawSchema)", "-c",
            "CREATE TABLE \(rawSchema).contacts(email text PRIMARY KEY, data json NOT NULL)",
        ])
        defer { try? psql(["-c", "DROP SCHEMA IF EXISTS \(rawSchema) CASCADE"]) }
        var rawTimes: [Double] = []
        for file in sql { rawTimes.append(try time { try psql(["-f", file]) }) }

        print(
            "records: \(count) on \(location.server)   (recdeck writes record + identifier key + revision per change, through COPY)"
        )
        ImportBench.report(recdeck: recdeckTimes, raw: rawTimes, peer: "psql", count: count)
    }
}
