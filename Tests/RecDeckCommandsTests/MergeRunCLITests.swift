import Foundation
import RecordCore
import Testing

/// Bulk merges end to end on the demo (issue 16): explained dry runs, a run and its undo, the new
/// matching rules, rule files, and bad input that writes nothing.
@Suite(.serialized) struct MergeRunCLITests {
    func demo() throws -> Sandbox {
        let s = try Sandbox()
        #expect(try s.run(["demo", "--db", s.db]).status == 0)
        return s
    }

    func bytes(_ s: Sandbox) throws -> Data {
        _ = try s.run(["types", "--db", s.db])  // a reading command, so the WAL is checkpointed alike
        return try Data(contentsOf: URL(fileURLWithPath: s.db))
    }

    @Test func aDryRunExplainsEveryGroupThenARunMergesAndItsUndoRestores() throws {
        let s = try demo()
        let before = try s.run(["list", "contacts", "--db", s.db, "--json", "--limit", "1000"]).out
        let dry = try s.run([
            "merge", "--auto", "contacts", "--rule", "email", "--rules", "most-complete", "--dry-run", "--db", s.db,
            "--json",
        ])
        #expect(dry.status == 0, "\(dry.err)")
        let plan = try JSONValue.parse(dry.out)
        #expect(plan["dry_run"] == true && plan["counts"]?["merged"] == 7)
        let groups = try #require(plan["groups"]?.arrayValue)
        // Ravi Patel: the newer, fuller CRM record survives, and every field names its rule and source.
        let ravi = try #require(groups.first { $0["plan"]?["result"]?["name"] == "Ravi Patel" })
        let s1b = try #require(
            try JSONValue.parse(s.run(["get", "contacts", "S1B", "--db", s.db, "--json"]).out)["id"])
        #expect(ravi["plan"]?["survivor"] == s1b)
        #expect(ravi["plan"]?["survivor_reason"]?.stringValue?.hasPrefix("most complete:") == true)
        let fields = try #require(ravi["plan"]?["fields"]?.arrayValue)
        #expect(fields.allSatisfy { $0["rule"] != nil && $0["explanation"]?.stringValue?.isEmpty == false })
        #expect(try s.run(["list", "contacts", "--db", s.db, "--json", "--limit", "1000"]).out == before)

        let s1a = try #require(
            try JSONValue.parse(s.run(["get", "contacts", "S1A", "--db", s.db, "--json"]).out)["id"]?.stringValue)
        let run = try s.run([
            "merge", "--auto", "contacts", "--rule", "email", "--rules", "most-complete", "--db", s.db,
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("7 merged · 0 skipped · 0 to review"), "\(run.out)")
        let runID = try #require(
            run.out.split(separator: "\n").first { $0.hasPrefix("run run_") }.map { String($0.dropFirst(4)) })
        #expect(try s.run(["get", "contacts", s1a, "--db", s.db, "--json"]).out.contains("\"merged_into\""))
        let merges = try JSONValue.parse(s.run(["merges", "--db", s.db, "--json"]).out)
        #expect(merges["runs"]?.arrayValue?.first?["run"] == .string(runID))
        #expect(merges["merges"]?.arrayValue?.count == 7)
        let listed = try s.run(["merges", "--run", runID, "--db", s.db])
        #expect(listed.out.contains("merged") && listed.out.contains("survivor"), "\(listed.out)")

        let undo = try s.run(["undo", "--batch", runID, "--db", s.db])
        #expect(undo.status == 0, "\(undo.err)")
        #expect(undo.out.contains("7 merges undone"))
        let after = try s.run(["list", "contacts", "--db", s.db, "--json", "--limit", "1000"]).out
        func content(_ text: String) throws -> [JSONValue] {
            try JSONValue.parse(text).arrayValue?.map { r in
                var o = r.objectValue ?? [:]
                for k in ["version", "updated_at"] { o[k] = nil }
                return .object(o)
            } ?? []
        }
        #expect(try content(after) == content(before))
    }

    @Test func phoneticAndNicknameRulesFindTheirPairsWithReasons() throws {
        let s = try demo()
        let nick = try s.run(["dupes", "contacts", "--rule", "nickname+phone", "--db", s.db])
        #expect(nick.out.contains("Bob Turner") && nick.out.contains("Robert Turner"), "\(nick.out)")
        #expect(nick.out.contains("same name allowing nicknames and same phone digits"))
        let phonetic = try s.run(["dupes", "contacts", "--rule", "phonetic-name+phone", "--db", s.db])
        #expect(phonetic.out.contains("Steven Meyer") && phonetic.out.contains("Stephen Mayer"), "\(phonetic.out)")
        #expect(phonetic.out.contains("same phonetic key and same phone digits"))
        // A user's nickname file adds groups.
        let extra = try s.write("nick.txt", "stephen, steve, stevo\n")
        #expect(try s.run(["dupes", "contacts", "--rule", "nickname", "--nicknames", extra, "--db", s.db]).status == 0)
    }

    @Test func belowTheScoreGroupsWaitForReview() throws {
        let s = try demo()
        let run = try s.run([
            "merge", "--auto", "contacts", "--rule", "fuzzy-name+phone", "--min-score", "0.99", "--db", s.db, "--json",
        ])
        #expect(run.status == 0, "\(run.err)")
        let out = try JSONValue.parse(run.out)
        #expect((out["counts"]?["review"]?.intValue ?? 0) > 0)
        let reviewed = try #require(out["groups"]?.arrayValue?.filter { $0["status"] == "review" })
        #expect(reviewed.allSatisfy { Double($0["score"]?.jsonText ?? "1")! < 0.99 })
    }

    @Test func ruleFilesAreReadAndTheirErrorsNameFileAndLine() throws {
        let s = try demo()
        let good = try s.write(
            "crm.toml",
            """
            summary = "the CRM wins"
            master = [{prefer = {"$.source" = "crm"}}, "oldest"]

            [fields]
            default = "never-blank"
            title = "most-recent"
            tags = "union"
            """)
        let dry = try s.run(["merge", "--auto", "contacts", "--rules", good, "--dry-run", "--db", s.db])
        #expect(dry.status == 0, "\(dry.err)")
        #expect(dry.out.contains("preferred: $.source = \"crm\""), "\(dry.out)")
        let cases: [(String, String)] = [
            ("[fields]\ntitle = \"newest\"\n", ":2: unknown field rule \"newest\""),
            ("master = [\"eldest\"]\n", ":1: unknown master rule \"eldest\""),
            ("master = [{prefer = {\"source\" = \"crm\"}}]\n", ":1: prefer path \"source\" is not a JSONPath"),
            ("\n[fields]\nshoe_size = \"longest\"\n", ":3: unknown field \"data.shoe_size\" for contacts"),
            ("master = [\n", ":"),
        ]
        for (text, expected) in cases {
            let file = try s.write("bad.toml", text)
            let before = try bytes(s)
            let r = try s.run(["merge", "--auto", "contacts", "--rules", file, "--db", s.db])
            #expect(r.status == 2, "\(text)")
            #expect(r.err.contains(file + expected), "\(r.err)")
            #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
            #expect(try bytes(s) == before)
        }
    }

    @Test(arguments: [
        (["merge", "--auto", "contacts", "--min-score", "1.5"], 2, "--min-score 1.5 is outside 0–1"),
        (["merge", "--auto", "contacts", "--rule", "soundex"], 2, "unknown rule \"soundex\""),
        (["merge", "--auto", "contacts", "--rules", "nope"], 2, "no rule set \"nope\""),
        (["undo", "--batch", "run_nope"], 1, "no merge run \"run_nope\""),
        (["merges", "--run", "run_nope"], 1, "no merge run \"run_nope\""),
    ])
    func badInputIsOneClearLineAndWritesNothing(args: [String], status: Int32, message: String) throws {
        let s = try demo()
        let before = try bytes(s)
        let r = try s.run(args + ["--db", s.db])
        #expect(r.status == status, "\(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
        #expect(try bytes(s) == before)
    }
}
