import Foundation
import RecordCore
import RecordStore
import TestSupport
import Testing

@testable import RecDeckCommands

/// Runs the real `recdeck` binary built beside the tests.
struct Binary {
    static var url: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent(".build/debug"),
        ]
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.appendingPathComponent("recdeck").path)
        {
            return c.appendingPathComponent("recdeck")
        }
        return candidates.last!.appendingPathComponent("recdeck")
    }

    struct Result { var status: Int32; var out: String; var err: String }

    /// Runs recdeck with arguments and optional stdin; XDG folders point into `home`.
    @discardableResult
    static func run(_ args: [String], stdin: String? = nil, home: URL) throws -> Result {
        let p = Process()
        p.executableURL = url
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["XDG_DATA_HOME"] = home.appendingPathComponent("data").path
        env["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
        env["RECDECK_DB"] = nil
        p.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(
            status: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
            err: String(decoding: e, as: UTF8.self))
    }
}

/// A temporary home for one CLI test: its database, its files, its XDG folders.
final class Sandbox {
    let folder: TemporaryFolder
    var url: URL { folder.url }
    init() throws { folder = try TemporaryFolder("cli") }
    var db: String { folder.path("t.sqlite") }
    func write(_ name: String, _ text: String) throws -> String { try folder.write(name, text) }
    func run(_ args: [String], stdin: String? = nil) throws -> Binary.Result {
        try Binary.run(args, stdin: stdin, home: url)
    }
}

let contactsSchema =
    #"{"key":"contacts","kind":"contact","fields":[{"key":"email","type":"email","required":true},{"key":"n","type":"integer"}],"identifiers":[{"name":"email","source":"$.email","normalize":"email"}]}"#

@Suite struct ArgumentTests {
    @Test func globalsBeforeTheSubcommandMoveAfterIt() {
        #expect(RecDeck.normalizedArguments(["--db", "x", "list", "t"]) == ["list", "--db", "x", "t"])
        #expect(
            RecDeck.normalizedArguments(["--read-only", "type", "apply", "f"]) == ["type", "apply", "--read-only", "f"])
        #expect(RecDeck.normalizedArguments(["list", "--db", "x", "t"]) == ["list", "--db", "x", "t"])
        // Without a subcommand the TUI (the default) gets every option, --demo and --theme included.
        #expect(
            RecDeck.normalizedArguments(["--read-only", "--demo", "--theme", "light"]) == [
                "--read-only", "--demo", "--theme", "light",
            ])
        #expect(RecDeck.normalizedArguments(["--db", "x", "--theme", "light"]) == ["--db", "x", "--theme", "light"])
    }

    @Test(arguments: [
        ["plan", "contacts", "{}"], ["list", "t", "--limit", "5", "--archived"],
        ["import", "t", "f.jsonl", "--key", "$.email"],
        ["scenario", "run", "a.json"], ["undo", "12"], ["demo", "--reset"],
    ])
    func parses(_ args: [String]) throws {
        _ = try RecDeck.parseAsRoot(args)
    }

    @Test(arguments: [["get", "t"], ["undo", "twelve"], ["list", "t", "--limit"], ["frobnicate"]])
    func rejects(_ args: [String]) {
        #expect(throws: (any Error).self) { try RecDeck.parseAsRoot(args) }
    }
}

@Suite(.serialized) struct CLITests {
    @Test func demoExamplesShowTheDecisionsDesignPredicts() throws {
        let s = try Sandbox()
        let demo = try s.run(["demo", "--db", s.db, "--json"])
        #expect(demo.status == 0, "\(demo.err)")
        let info = try JSONValue.parse(demo.out)
        let examples = try #require(info["examples"]?.stringValue)
        #expect(
            (info["types"]?["contacts"]?["active"]?.intValue ?? 0)
                + (info["types"]?["companies"]?["active"]?.intValue ?? 0) > 400)
        #expect(DemoData.examples.count == 11)
        #expect(Set(DemoData.examples.map(\.dialect)) == Set(Dialects.names))
        for e in DemoData.examples {
            let r = try s.run(
                ["plan", "--db", s.db, "--json", "--dialect", e.dialect] + e.query.flatMap { ["--query", $0] } + [
                    e.type, examples + "/" + e.file,
                ])
            let out = try JSONValue.parse(r.out)
            let plan = e.dialect == "native" ? out : (out["plan"] ?? out["plans"]?.arrayValue?.first)
            #expect(plan?["decision"]?.stringValue == e.decision, "\(e.file): \(r.out) \(r.err)")
            if e.dialect != "native" {
                #expect(out["status"]?.intValue == (e.dialect == "bulk" ? 202 : 200), "\(e.file)")
            }
        }
        // The demo is reused, not rebuilt, on a second run.
        #expect(try s.run(["demo", "--db", s.db]).status == 0)
    }

    @Test func dialectRequestsFromTheCommandLine() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        // Kizen: created, then updated case-insensitively; the native status and body come first.
        let created = try s.run([
            "upsert", "--db", s.db, "--dialect", "kizen", "contacts", #"{"lookup_value":"Ann@X.com","fields":{"n":1}}"#,
        ])
        #expect(created.status == 0 && created.out.hasPrefix("kizen response 201"), "\(created.out)\(created.err)")
        let updated = try s.run([
            "upsert", "--db", s.db, "--json", "--dialect", "kizen", "contacts",
            #"{"lookup_value":"ann@x.com","fields":{"n":2}}"#,
        ])
        let u = try JSONValue.parse(updated.out)
        #expect(u["status"] == 200 && u["response"]?["action"] == "updated" && u["plan"]?["decision"] == "update")
        // A refusal in the dialect's envelope exits 1 and writes nothing.
        let bad = try s.run([
            "upsert", "--db", s.db, "--json", "--dialect", "nex", "contacts",
            #"{"matching_attribute":"n","attributes":{"n":1}}"#,
        ])
        let refusal = try JSONValue.parse(bad.out)
        #expect(bad.status == 1 && refusal["response"]?["status_code"] == 400)
        // Bulk: 202 with a process id; `process ID` shows each record's result.
        let bulk = try s.run([
            "upsert", "--db", s.db, "--json", "--dialect", "bulk", "contacts",
            #"{"records":[{"attributes":{"email":"b@x.com","junk":1},"identifiers":{"ext_id":"B"}},{"attributes":{"n":4},"identifiers":{"ext_id":"B"}}]}"#,
        ])
        #expect(bulk.status == 0, "\(bulk.out)\(bulk.err)")
        let id = try #require(try JSONValue.parse(bulk.out)["response"]?["processId"]?.stringValue)
        let process = try s.run(["process", "--db", s.db, "--json", id])
        let results = try JSONValue.parse(process.out)["results"]?.arrayValue ?? []
        #expect(results.map { $0["decision"]?.stringValue } == ["create", "update"])
        #expect(results.first?["warnings"]?.arrayValue?.first?.stringValue?.contains("junk") == true)
        #expect(try s.run(["process", "--db", s.db, "proc_nope"]).status == 1)
        // Bulk import: one process per line; a refused line is named and the rest committed.
        let file = try s.write(
            "bulk.jsonl",
            """
            {"records":[{"attributes":{"email":"c@x.com"}}]}
            {"records":[]}
            """)
        let imported = try s.run(["import", "--db", s.db, "--dialect", "bulk", "contacts", file])
        #expect(
            imported.status == 1 && imported.err.contains("line 2") && imported.out.contains("process proc_"),
            "\(imported.out)\(imported.err)")
        // Voxworks names its type in the body: a lone positional is the body.
        #expect(
            try s.run(["plan", "--db", s.db, "--dialect", "voxworks", "-"], stdin: #"{"name":"x","type_name":"nope"}"#)
                .status == 1)
        // Usage errors: unknown dialect, a query without =, a missing type.
        #expect(try s.run(["plan", "--db", s.db, "--dialect", "soap", "contacts", "{}"]).status == 2)
        #expect(
            try s.run(["plan", "--db", s.db, "--dialect", "zendesk", "--query", "name", "contacts", "{}"]).status == 2)
        #expect(try s.run(["plan", "--db", s.db, "--dialect", "kizen"]).status == 2)
        #expect(try s.run(["plan", "--db", s.db]).status == 2)
    }

    @Test func exitCodesFollowDesign() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        // 1: errors (malformed JSON, unknown type, bad path) — each one line naming the problem.
        let malformed = try s.run(["upsert", "--db", s.db, "contacts", "{\"data\":"])
        #expect(malformed.status == 1 && malformed.out.contains("malformed JSON"))
        let unknown = try s.run(["plan", "--db", s.db, "nope", "{}"])
        #expect(unknown.status == 1 && unknown.out.contains("unknown object type"))
        let badPath = try s.run(["plan", "--db", s.db, "contacts", #"{"lookup":{"path":"$.a["}}"#])
        #expect(badPath.status == 1 && badPath.out.contains("position 4"))
        // 2: usage.
        #expect(try s.run(["list"]).status == 2)
        // 3: a conflict that needs a decision.
        let created = try s.run([
            "upsert", "--db", s.db, "--json", "contacts",
            #"{"lookup":{"identifier":"email"},"data":{"email":"a@x.com"}}"#,
        ])
        let id = try #require(try JSONValue.parse(created.out)["record"]?["id"]?.stringValue)
        #expect(try s.run(["archive", "--db", s.db, "contacts", id]).status == 0)
        let conflict = try s.run([
            "upsert", "--db", s.db, "contacts", #"{"lookup":{"identifier":"email"},"data":{"email":"A@x.com","n":1}}"#,
        ])
        #expect(conflict.status == 3)
        #expect(conflict.out.contains("if unarchive"))
        // A missing database folder.
        let missing = try s.run(["types", "--db", "/no/such/dir/x.sqlite"])
        #expect(missing.status == 1 && missing.err.contains("/no/such/dir"))
    }

    @Test func readOnlyLeavesTheFileUnchanged() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: s.db))
        let body = #"{"lookup":{"identifier":"email"},"data":{"email":"a@x.com"}}"#
        for args in [
            ["upsert", "contacts", body], ["type", "apply", "-"], ["archive", "contacts", "x"], ["undo", "1"],
            ["demo", "--reset"],
        ] {
            let r = try s.run(args + ["--db", s.db, "--read-only"], stdin: contactsSchema)
            #expect(r.status == 1, "\(args)")
            #expect(r.err.contains("read-only"), "\(args): \(r.err)")
        }
        #expect(try s.run(["plan", "--db", s.db, "--read-only", "contacts", body]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.db)) == before)
    }

    @Test func importAppliesGoodItemsAndNamesBadOnes() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let lines = [
            #"{"email":"a@x.com","n":1}"#, #"{"email":"b@x.com","n":"two"}"#, "{not json",
            #"{"email":"A@X.com","n":3}"#,
        ]
        let file = try s.write("in.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try s.run(["import", "--db", s.db, "--json", "contacts", file, "--key", "$.email"])
        #expect(r.status == 1)
        let summary = try JSONValue.parse(r.out)
        #expect(summary["decisions"]?["create"] == 1)
        #expect(summary["decisions"]?["update"] == 1)
        #expect(summary["decisions"]?["invalid"] == 2)
        let errors = summary["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(errors.contains { $0.contains("line 2") && $0.contains("n must be an integer") })
        #expect(errors.contains { $0.contains("line 3") && $0.contains("malformed JSON") })
        let exported = try s.run(["export", "--db", s.db, "contacts"])
        #expect(exported.out.split(separator: "\n").count == 1)
        #expect(exported.out.contains(#""n":3"#))
    }

    /// `list` pages through all records, archived ones in their place, and its "more" hint repeats the
    /// listing's own flags (it used to drop `--archived` and `--limit`, so following it changed the listing).
    @Test func listPagesKeepTheirFlagsAndInsertionOrder() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let file = try s.write(
            "in.jsonl", (1...5).map { #"{"email":"u\#($0)@x.com","n":\#($0)}"# }.joined(separator: "\n"))
        #expect(try s.run(["import", "--db", s.db, "contacts", file, "--key", "$.email"]).status == 0)
        #expect(try s.run(["archive", "--db", s.db, "contacts", "u2@x.com"]).status == 0)
        let first = try s.run(["list", "--db", s.db, "contacts", "--archived", "--limit", "2", "--jsonl"])
        #expect(first.out.split(separator: "\n").map { try? JSONValue.parse(String($0))["data"]?["n"] } == [1, 2])
        let table = try s.run(["list", "--db", s.db, "contacts", "--archived", "--limit", "2"])
        #expect(table.err.contains("more: recdeck list contacts --archived --limit 2 --after 2"), "\(table.err)")
        let next = try s.run([
            "list", "--db", s.db, "contacts", "--archived", "--limit", "2", "--after", "2", "--jsonl",
        ])
        #expect(next.out.split(separator: "\n").map { try? JSONValue.parse(String($0))["data"]?["n"] } == [3, 4])
    }

    /// `kill -9` in the middle of an import keeps every committed batch and no partial one.
    @Test func killedImportKeepsWholeBatches() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let lines = (0..<30_000).map { #"{"email":"u\#($0)@x.com","n":\#($0)}"# }
        let file = try s.write("big.jsonl", lines.joined(separator: "\n"))
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = [
            "import", "--db", s.db, "contacts", file, "--key", "$.email", "--batch-size", "500", "--verbose",
        ]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Wait for the third committed batch, then kill without warning.
        var seen = ""
        while !seen.contains("batch 3 committed") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let store = try RecordStore.open(path: s.db)
        let counts = try #require(try store.counts(type: "contacts"))
        #expect(counts.active >= 1500)
        #expect(counts.active % 500 == 0, "a partial batch survived: \(counts.active)")
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func scenarioRunReportsFailuresWithExitFour() throws {
        let s = try Sandbox()
        let good = try s.write(
            "good.json",
            #"[{"name":"creates","types":[{"key":"t","name_field":{"required":true,"unique":true}}],"records":[],"steps":[{"request":{"dialect":"native","type":"t","body":{"name":"A"}},"expect":{"decision":"create","status":201}}]}]"#
        )
        let bad = try s.write(
            "bad.json",
            #"[{"name":"wrong on purpose","types":[{"key":"t"}],"records":[],"steps":[{"request":{"dialect":"native","type":"t","body":{"name":"A"}},"expect":{"decision":"update"}}]}]"#
        )
        #expect(try s.run(["scenario", "run", good]).status == 0)
        let r = try s.run(["scenario", "run", good, bad])
        #expect(r.status == 4)
        #expect(r.out.contains("wrong on purpose") && r.out.contains("step 1") && r.out.contains("decision"))
    }
}
