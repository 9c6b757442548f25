import Foundation
import RecordCore
import RecordStore
import Testing

/// The README's "Guarantees" that the real binary keeps: concurrent writers, hostile files, privacy,
/// read-only. (Crash safety: `killedImportKeepsWholeBatches`; longer runs: `recdeck-bench crash` and
/// `recdeck-bench concurrency`.)
@Suite struct GuaranteesTests {
    /// Eight processes upsert the same 1,000 new keys, one transaction per key: exactly 1,000 records,
    /// every process gets create or update for every key, and nobody sees "database is locked".
    @Test func eightProcessesUpsertingTheSameKeysMakeEachRecordOnce() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let processes = 8, keys = 1000
        var running: [(Process, Pipe, Pipe)] = []
        for p in 0..<processes {
            // Each process writes its own number, so a later write by another process is an update.
            let lines = (0..<keys).shuffled().map { #"{"email":"k\#($0)@x.io","n":\#(p)}"# }
            let file = try s.write("in\(p).jsonl", lines.joined(separator: "\n"))
            let proc = Process()
            proc.executableURL = Binary.url
            proc.arguments = [
                "import", "--db", s.db, "--json", "contacts", file, "--key", "$.email", "--batch-size", "1",
            ]
            let out = Pipe(), err = Pipe()
            proc.standardOutput = out; proc.standardError = err
            running.append((proc, out, err))
        }
        for (proc, _, _) in running { try proc.run() }
        var creates = 0
        for (proc, out, err) in running {
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            proc.waitUntilExit()
            #expect(proc.terminationStatus == 0, "\(e)")
            #expect(!e.lowercased().contains("locked"), "\(e)")
            let summary = try JSONValue.parse(o)
            let made = Int(summary["decisions"]?["create"]?.intValue ?? 0)
            let updated = Int(summary["decisions"]?["update"]?.intValue ?? 0)
            #expect(made + updated == keys, "\(summary.jsonText)")
            creates += made
        }
        #expect(creates == keys)
        let store = try RecordStore.open(path: s.db, readOnly: true)
        #expect(try store.counts(type: "contacts")?.active == keys)
        #expect(try store.integrityCheck() == "ok")
    }

    /// Hostile files and bodies: each gives an error naming what is wrong, and nothing of it is written.
    @Test func hostileInputGivesClearErrors() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let huge = String(repeating: "x", count: 50_000_000)

        func plan(_ body: String) throws -> String {
            let file = try s.write("body.json", body)
            return try s.run(["plan", "--db", s.db, "contacts", file]).out
        }
        #expect(try plan(#"{"data":"# + deep + "}").contains("nested deeper than 512 levels at line 1, column"))
        #expect(
            try plan(#"{"data":{"email":"a@x.io","note":""# + String(repeating: "y", count: 2 << 20) + #""}}"#)
                .contains("over the 1 MiB limit"))

        func importing(_ name: String, _ bytes: [UInt8], args: [String] = ["--key", "$.email"]) throws -> Binary.Result
        {
            let path = s.url.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return try s.run(["import", "--db", s.db, "contacts", path] + args)
        }
        let deepLine = try importing(
            "deep.jsonl", Array(#"{"email":"d@x.io","n":"#.utf8) + Array(deep.utf8) + Array("}\n".utf8))
        #expect(
            deepLine.status == 1
                && deepLine.err.contains("line 1: invalid: body: malformed JSON: nested deeper than 512 levels"))
        let hugeLine = try importing(
            "huge.jsonl",
            Array(#"{"email":"h@x.io","note":""#.utf8) + Array(huge.utf8) + Array("\"}\n{\"email\":\"ok@x.io\"}\n".utf8)
        )
        #expect(hugeLine.status == 1 && hugeLine.err.contains("line 1: invalid: body: line is over the 1 MiB limit"))
        let hugeItem = try importing(
            "huge.json", Array(#"[{"email":"h@x.io","note":""#.utf8) + Array(huge.utf8) + Array("\"}]".utf8))
        #expect(hugeItem.status == 1 && hugeItem.err.contains("item 1: invalid: body: item is over the 1 MiB limit"))
        // Line 2 holds the bytes FF FE inside a string: not UTF-8.
        let badUTF8 = try importing(
            "bad.jsonl",
            Array("{\"email\":\"u@x.io\"}\n{\"email\":\"v@x.io\",\"note\":\"".utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8)
        )
        #expect(
            badUTF8.status == 1
                && badUTF8.err.contains("line 2: invalid: body: malformed JSON: input is not valid UTF-8"))
        // Row 2 ends in the byte FF: not UTF-8. Row 1 is imported, rows 2 and 3 are not.
        let badCSV = try importing(
            "bad.csv", Array("email,n\nc1@x.io,1\nc2@x.io,2".utf8) + [0xFF, 0x0A] + Array("c3@x.io,3\n".utf8), args: [])
        #expect(
            badCSV.status == 1
                && badCSV.err.contains(
                    "bad.csv: row 2 is not valid UTF-8; the rows before it were imported, none after it")
        )
        let wide =
            (0..<10_000).map { "c\($0)" }.joined(separator: ",") + "\n"
            + Array(repeating: "v", count: 10_000).joined(separator: ",") + "\n"
        let wideCSV = try importing("wide.csv", Array(wide.utf8), args: [])
        #expect(
            wideCSV.status == 1
                && wideCSV.err.contains("the CSV header has 10000 columns; a record holds at most 500 attributes"))

        // What was valid went in; nothing of the hostile items did.
        let exported = try s.run(["export", "--db", s.db, "contacts"]).out
        let emails = Set(
            try exported.split(separator: "\n").compactMap {
                try JSONValue.parse(String($0))["data"]?["email"]?.stringValue
            })
        #expect(emails == ["ok@x.io", "u@x.io", "c1@x.io"])
        #expect(try RecordStore.open(path: s.db, readOnly: true).integrityCheck() == "ok")
    }

    /// CSV rows are data objects typed by the schema; a row with the wrong number of cells is refused alone.
    @Test func csvImportTypesCellsBySchema() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let file = try s.write(
            "in.csv", "email,n,note\na@x.io,7,\"one, two\"\nb@x.io,,\nc@x.io,1,2,3\nd@x.io,seven,x\n")
        let r = try s.run(["import", "--db", s.db, "--json", "contacts", file])
        let summary = try JSONValue.parse(r.out)
        #expect(summary["decisions"]?["create"] == 2)
        let errors = summary["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(errors.contains("row 3: invalid: body: row has 4 cells; the header has 3 columns"))
        #expect(errors.contains { $0.hasPrefix("row 4: invalid: data.n:") })
        let a = try JSONValue.parse(s.run(["get", "--db", s.db, "--json", "contacts", "a@x.io"]).out)
        #expect(a["data"] == ["email": "a@x.io", "n": 7, "note": "one, two"])
        let b = try JSONValue.parse(s.run(["get", "--db", s.db, "--json", "contacts", "b@x.io"]).out)
        #expect(b["data"] == ["email": "b@x.io"])
    }

    /// Files and folders recdeck creates are its owner's alone, and it leaves nothing else behind: no
    /// log, no cache, no copy of a record value anywhere but the database.
    @Test func createdFilesArePrivateAndNothingIsLogged() throws {
        let s = try Sandbox()
        // The default location: $XDG_DATA_HOME/recdeck/, folders made by recdeck.
        #expect(try s.run(["demo"]).status == 0)
        #expect(try s.run(["types"]).status == 0)
        let secret = "secret-value-\(UUID().uuidString)"
        let body =
            #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"S1","email":"s@x.io","first_name":""# + secret
            + #""}}"#
        let up = try s.run([
            "upsert", "--db", s.url.appendingPathComponent("data/recdeck/demo.sqlite").path, "contacts", body,
        ])
        #expect(up.status == 0, "\(up.err)")
        let fm = FileManager.default
        func mode(_ path: String) throws -> Int {
            try (fm.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        let folder = s.url.appendingPathComponent("data/recdeck").path
        #expect(try mode(folder) == 0o700)
        let files = try fm.subpathsOfDirectory(atPath: s.url.path).filter { !$0.hasSuffix(".swift") }
        for file in files {
            let path = s.url.appendingPathComponent(file).path
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: path, isDirectory: &isDir)
            if file.hasPrefix("data/recdeck") {
                let m = try mode(path)
                #expect(m == (isDir.boolValue ? 0o700 : 0o600), "\(file): \(String(m, radix: 8))")
            }
            // The record value lives only in the database (and its WAL).
            guard !isDir.boolValue, !file.contains(".sqlite") else { continue }
            let text = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self)
            #expect(!text.contains(secret), "\(file) holds a record value")
        }
        #expect(files.allSatisfy { $0.hasPrefix("data") }, "files outside the data folder: \(files)")
    }

    /// Every writing command refuses under --read-only, and the database file's bytes stay the same.
    @Test func readOnlyRefusesEveryWritingCommand() throws {
        let s = try Sandbox()
        #expect(try s.run(["demo", "--db", s.db]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: s.db))
        let items = try s.write("items.jsonl", #"{"data":{"contact_id":"Z1","email":"z@x.io"}}"#)
        let csv = try s.write("items.csv", "contact_id,email\nZ2,y@x.io\n")
        let body = #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"Z1","email":"z@x.io"}}"#
        let writes: [[String]] = [
            ["upsert", "contacts", body], ["upsert", "--dialect", "zendesk", "contacts", #"{"record":{"name":"x"}}"#],
            ["import", "contacts", items], ["import", "contacts", csv],
            ["import", "--dialect", "bulk", "contacts", items],
            ["type", "apply", "-"], ["archive", "contacts", "D0A"], ["restore", "contacts", "D0A"], ["undo", "1"],
            ["undo", "--merge", "1"], ["merge", "contacts", "D0A", "D0B"], ["demo", "--reset"],
        ]
        for args in writes {
            let r = try s.run(args + ["--db", s.db, "--read-only"], stdin: contactsSchema)
            #expect(r.status == 1, "\(args)")
            #expect(r.err.contains("read-only"), "\(args): \(r.err)")
        }
        // Reading commands still work.
        for args in [
            ["types"], ["list", "contacts"], ["get", "contacts", "D0A"], ["plan", "contacts", body],
            ["history", "contacts", "D0A"],
            ["dupes", "contacts"], ["merge", "--dry-run", "contacts", "D0A", "D0B"], ["export", "contacts"],
            ["conflicts"],
        ] {
            let r = try s.run(args + ["--db", s.db, "--read-only"])
            #expect(r.status == 0, "\(args): \(r.err)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.db)) == before)
        #expect(!FileManager.default.fileExists(atPath: s.db + "-journal"))
    }

    /// Opening never writes (issue 15): without --read-only, every reading command leaves the database file
    /// byte-identical, and none waits for another process's write lock (one would fail after the 5 s
    /// busy timeout with "database is locked" while `sqlite3` holds the lock below).
    @Test func readingCommandsLeaveTheFileAsItWasAndIgnoreTheWriteLock() throws {
        let s = try Sandbox()
        #expect(try s.run(["demo", "--db", s.db]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: s.db))
        let body = #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"Z1","email":"z@x.io"}}"#
        let kizen = #"{"lookup_value":"olivia.kim0@mail.example","fields":{"phone":"1"}}"#
        let reads: [[String]] = [
            ["types"], ["list", "contacts"], ["get", "contacts", "D0A"], ["plan", "contacts", body],
            ["plan", "--dialect", "kizen", "contacts", kizen], ["history", "contacts", "D0A"], ["dupes", "contacts"],
            ["merge", "--dry-run", "contacts", "D0A", "D0B"], ["export", "contacts"], ["conflicts"],
        ]
        // Another process holds the write lock for the whole loop.
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        locker.arguments = [s.db]
        let input = Pipe()
        locker.standardInput = input
        locker.standardOutput = FileHandle.nullDevice
        try locker.run()
        input.fileHandleForWriting.write(
            Data("BEGIN IMMEDIATE;\nINSERT INTO meta(key, value) VALUES ('lock', '1');\n".utf8))
        defer {
            try? input.fileHandleForWriting.close()
            locker.waitUntilExit()
        }
        // The lock is really held: a write waits out the busy timeout and fails.
        var locked = false
        for _ in 0..<50 where !locked {
            let probe = try s.run(["archive", "contacts", "D0A", "--db", s.db])
            locked = probe.status != 0 && probe.err.contains("locked")
            if !locked { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(locked, "sqlite3 did not take the write lock")
        for args in reads {
            let r = try s.run(args + ["--db", s.db])
            #expect(r.status == 0, "\(args): \(r.err)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.db)) == before)
    }
}
