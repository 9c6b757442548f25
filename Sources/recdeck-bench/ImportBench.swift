import Foundation
import RecDeckCommands
import RecordCore
import RecordStore

/// `recdeck-bench import [--count N] [--keep]`: N contacts imported twice through the real importer,
/// engine and store (all creates, then all updates), beside the `sqlite3` command doing `INSERT … ON
/// CONFLICT DO UPDATE` on the same JSON (1000 rows per transaction, WAL, `synchronous=NORMAL`) in the
/// same run; the ratio is the figure (DESIGN §7: ≤ 1.5×).
enum ImportBench {
    static func run(count: Int, keep: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }

        func write(_ name: String, count: Int, _ lines: (Int) -> String) throws -> String {
            try writeLines(folder.appendingPathComponent(name).path, count: count, lines)
        }

        print("generating \(count) contacts…")
        let jsonl = [
            try write("pass1.jsonl", count: count) { contactJSON($0, pass: 1) },
            try write("pass2.jsonl", count: count) { contactJSON($0, pass: 2) },
        ]
        // The raw baseline: the same JSON through sqlite3's INSERT … ON CONFLICT DO UPDATE, 1000 rows per transaction.
        let sql = try (1...2).map { pass in
            try write("pass\(pass).sql", count: count) { upsertSQL($0, count: count, pass: pass) }
        }

        func sqlite3(_ db: String, input: String) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["sqlite3", db]
            p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { fail("sqlite3 exited with \(p.terminationStatus)") }
        }

        // recdeck: the real engine and store (identifier keys, revisions, counts), through the import path.
        let dbPath = folder.appendingPathComponent("recdeck.sqlite").path
        let store = try RecordStore.open(path: dbPath)
        try store.applyType(contactsType)
        let importer = Importer(type: "contacts", keyPath: try JSONPath(parsing: "$.email"))
        var recdeckTimes: [Double] = []
        for (n, file) in jsonl.enumerated() {
            var summary: ImportSummary?
            recdeckTimes.append(try time { summary = try importer.run(file, into: store, source: "bench") })
            let decisions = summary?.decisions ?? [:]
            let expected = n == 0 ? "create" : "update"
            guard decisions[expected] == count else {
                fail("pass \(n + 1): expected \(count) \(expected), got \(decisions)")
            }
        }

        // sqlite3: WAL and synchronous=NORMAL, as recdeck uses.
        let rawDB = folder.appendingPathComponent("raw.sqlite").path
        let setup = folder.appendingPathComponent("setup.sql").path
        try Data(
            "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nCREATE TABLE contacts(email TEXT PRIMARY KEY, data TEXT NOT NULL);\n"
                .utf8
        )
        .write(to: URL(fileURLWithPath: setup))
        try sqlite3(rawDB, input: setup)
        var rawTimes: [Double] = []
        for file in sql {
            let body = folder.appendingPathComponent("run.sql").path
            // Each sqlite3 run sets the same pragmas; they are per connection.
            let text = "PRAGMA synchronous=NORMAL;\n" + (try String(contentsOfFile: file, encoding: .utf8))
            try Data(text.utf8).write(to: URL(fileURLWithPath: body))
            rawTimes.append(try time { try sqlite3(rawDB, input: body) })
        }

        let revisions = try store.history(recordID: store.list(type: "contacts", limit: 1).records[0].id).count
        print(
            "records: \(count)   (recdeck writes record + identifier key + revision per change; \(revisions) revisions on a sample record)"
        )
        report(recdeck: recdeckTimes, raw: rawTimes, peer: "sqlite3", count: count)
    }

    /// Deterministic synthetic contacts; `pass` changes the score so the second pass really updates.
    static func contactJSON(_ i: Int, pass: Int) -> String {
        let first = ["Jane", "John", "Maria", "Wei", "Aisha", "Lars", "Sofia", "Kenji"][i % 8]
        let last = ["Smith", "Okafor", "Garcia", "Chen", "Rossi", "Tanaka", "Dubois", "Silva"][(i / 8) % 8]
        return
            #"{"email":"user\#(i)@example.com","first_name":"\#(first)","last_name":"\#(last)","phone":"+1 555 \#(String(format: "%07d", i))","score":\#((i + pass * 7) % 100)}"#
    }

    /// The contacts type both import benchmarks write.
    static let contactsType = try! ObjectType(json: [
        "key": "contacts", "kind": "contact",
        "fields": [
            ["key": "email", "type": "email", "required": true], ["key": "phone", "type": "phone"],
            ["key": "score", "type": "integer"],
            ["key": "first_name", "type": "string"], ["key": "last_name", "type": "string"],
        ],
        "identifiers": [["name": "email", "source": "$.email", "normalize": "email"]],
    ])

    /// Writes `count` lines to `path`, 1 MiB at a time.
    static func writeLines(_ path: String, count: Int, _ lines: (Int) -> String) throws -> String {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { fail("cannot create \(path)") }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var buf = ""
        for i in 0..<count {
            buf += lines(i)
            buf += "\n"
            if buf.utf8.count > 1 << 20 { h.write(Data(buf.utf8)); buf = "" }
        }
        h.write(Data(buf.utf8))
        try h.close()
        return path
    }

    static func sqlEscape(_ s: String) -> String { s.replacingOccurrences(of: "'", with: "''") }

    /// Line `i` of the raw baseline: the contact's `INSERT … ON CONFLICT DO UPDATE`, 1000 rows per transaction.
    static func upsertSQL(_ i: Int, count: Int, pass: Int) -> String {
        var line = ""
        if i % 1000 == 0 { line += i == 0 ? "" : "COMMIT;\n"; line += "BEGIN;\n" }
        line +=
            "INSERT INTO contacts(email, data) VALUES ('user\(i)@example.com', '\(sqlEscape(contactJSON(i, pass: pass)))') ON CONFLICT(email) DO UPDATE SET data = excluded.data;"
        if i == count - 1 { line += "\nCOMMIT;" }
        return line
    }

    /// The table of both passes beside the raw peer, and the overall ratio.
    static func report(recdeck: [Double], raw: [Double], peer: String, count: Int) {
        func fmt(_ s: Double) -> String { String(format: "%.2f s", s) }
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
        print("pass           recdeck     \(pad(peer, 11)) ratio   recdeck rate")
        for (n, name) in ["creates", "updates"].enumerated() {
            let ratio = String(format: "%.2f×", recdeck[n] / raw[n])
            print(
                "\(pad(name, 14)) \(pad(fmt(recdeck[n]), 11)) \(pad(fmt(raw[n]), 11)) \(pad(ratio, 7)) \(Int(Double(count) / recdeck[n])) rec/s"
            )
        }
        print(String(format: "overall ratio %.2f× (goal ≤ 1.5×)", recdeck.reduce(0, +) / raw.reduce(0, +)))
    }
}
