import CSV
import Foundation
import RecordCore
import Testing

@testable import RecDeckCommands

/// Issue 14's CLI defects and features: tables in a pipe, Kizen's oldest on the demo, export.
@Suite(.serialized) struct FirstMinuteCLITests {
    @Test func tablesAreNotCutInAPipe() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let long = "a-very-long-address-that-goes-on-and-on-and-on-for-sixty-chars@x.example"
        #expect(
            try s.run([
                "upsert", "--db", s.db, "contacts", #"{"lookup":{"identifier":"email"},"data":{"email":"\#(long)"}}"#,
            ]).status == 0)
        let listed = try s.run(["list", "--db", s.db, "contacts"])
        #expect(listed.out.contains(long), "\(listed.out)")
        #expect(!listed.out.contains("…"))
    }

    @Test func kizenOnTheDemoPicksTheOldestOfTheTwoPlantedContacts() throws {
        let s = try Sandbox()
        let demo = try JSONValue.parse(try s.run(["demo", "--db", s.db, "--json"]).out)
        let examples = try #require(demo["examples"]?.stringValue)
        let r = try s.run([
            "plan", "--db", s.db, "--json", "--dialect", "kizen", "contacts", examples + "/kizen-contact.json",
        ])
        let plan = try #require(try JSONValue.parse(r.out)["plan"])
        let got = try s.run([
            "get", "--db", s.db, "--json", "contacts", try #require(plan["match"]?["id"]?.stringValue),
        ])
        #expect(try JSONValue.parse(got.out)["data"]?["contact_id"] == "D0A", "\(got.out)")
    }

    @Test func exportTakesFiltersFormatsAndColumns() throws {
        let s = try Sandbox()
        #expect(try s.run(["demo", "--db", s.db]).status == 0)
        let csv = try s.run([
            "export", "--db", s.db, "contacts", "--filter", "$.score > 97", "--format", "csv", "--columns",
            "name,email,$.score",
        ])
        #expect(csv.status == 0, "\(csv.err)")
        let lines = csv.out.split(separator: "\n")
        #expect(lines.first == "name,$.email,$.score")
        #expect(lines.count == 5)
        #expect(lines.dropFirst().allSatisfy { Int($0.split(separator: ",").last ?? "") ?? 0 > 97 })
        let jsonl = try s.run(["export", "--db", s.db, "contacts", "--filter", "~smyth", "--columns", "name,email"])
        #expect(jsonl.out == "{\"$.email\":\"jon0@names.example\",\"name\":\"Jon Smyth\"}\n")
        // A file: whole, and its format from the extension; archived records only with --active-only off.
        let out = s.url.appendingPathComponent("all.csv").path
        let all = try s.run(["export", "--db", s.db, "contacts", "-o", out])
        #expect(all.status == 0 && all.err.contains("exported 449 rows"), "\(all.err)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 450)
        let active = try s.run(["export", "--db", s.db, "contacts", "--active-only"])
        #expect(active.out.split(separator: "\n").count == 419)
    }

    @Test func exportRefusesBadInputByNameAndWritesNothing() throws {
        let s = try Sandbox()
        #expect(try s.run(["demo", "--db", s.db]).status == 0)
        let column = try s.run(["export", "--db", s.db, "contacts", "--columns", "name,colour"])
        #expect(
            column.status == 2 && column.err.contains("unknown column \"colour\": contacts declares contact_id"),
            "\(column.err)")
        let filter = try s.run(["export", "--db", s.db, "contacts", "--filter", "$.size >"])
        #expect(filter.status == 2 && filter.err.contains("expected a value after `>` (at column 9)"), "\(filter.err)")
        let format = try s.run(["export", "--db", s.db, "contacts", "--format", "xml"])
        #expect(format.status == 2 && format.err.contains("unknown format \"xml\""))
        let folder = s.url.appendingPathComponent("missing/x.csv").path
        let unwritable = try s.run(["export", "--db", s.db, "contacts", "-o", folder])
        #expect(unwritable.status == 1 && unwritable.err.contains("does not exist; nothing written"))
        // A failed export leaves an existing file as it was, and no temporary file.
        let kept = try s.write("kept.csv", "old\n")
        #expect(try s.run(["export", "--db", s.db, "nosuchtype", "-o", kept]).status == 1)
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.url.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    /// The hand-written CSV lines read back by CSV.swift as the same fields: commas, quotes, newlines, wide text.
    @Test(arguments: [["plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", "", "王小明 🚀", " spaced "]])
    func exportedCSVReadsBackWithCSVSwift(fields: [String]) throws {
        let text = CSVLine.line(["h\(fields.count)"] + fields.indices.map { "c\($0)" }) + CSVLine.line(["x"] + fields)
        let reader = try CSVReader(string: text, hasHeaderRow: true)
        let row = try #require(reader.next())
        #expect(Array(row.dropFirst()) == fields)
        #expect(reader.next() == nil)
    }
}
