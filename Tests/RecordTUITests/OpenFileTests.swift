import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
import Testing

@testable import RecDeckCommands

/// Opening a file directly (issue 17): the grid is there at once — a JSONL file's lines browsable before the
/// import reaches them, a CSV's rows growing as the import commits batches — with progress in the status
/// bar, then says what was imported.
@Suite struct OpenFileTests {
    static func lines(_ n: Int) -> String {
        (0..<n).map { #"{"email":"p\#($0)@x.io","score":\#($0)}"# }.joined(separator: "\n") + "\n"
    }

    @Test func everyLineIsBrowsableBeforeTheImportReachesIt() throws {
        let h = try Harness(opening: Self.lines(2500), named: "people.jsonl", key: "$.email", width: 80, height: 10)
        let run = try #require(h.fileRun)
        // Nothing committed yet: the grid pages through the file's lines, and says it is importing.
        #expect(h.app.top.title == "people")
        #expect(h.screen()[0].hasSuffix(" people.jsonl |"))
        #expect(h.statusBar.hasPrefix("importing 0% · 0 stored · 1/2,500"), "\(h.statusBar)")
        #expect(h.app.isBusy)
        #expect(h.screen()[1].contains("EMAIL") && h.screen()[1].contains("SCORE"), "\(h.screen()[1])")
        #expect(h.screen()[2].contains("p0@x.io"))
        #expect(h.roles()[2].contains("S"))
        // The last line is one key away.
        h.press("G")
        #expect(h.text.contains("p2499@x.io"))
        #expect(h.statusBar.hasPrefix("importing 0% · 0 stored · 2,500/2,500"), "\(h.statusBar)")
        // A line is not a record yet: opening, marking, editing or archiving it says so.
        for key in ["\r", " ", "e", "D"] {
            h.press(key)
            #expect(h.statusBar.hasPrefix("line 2500 is not imported yet (0% imported): it can be "), "\(key)")
        }
        #expect(h.app.top.title == "people")
        // An export now would hold only part of the file: refused, nothing written.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("partial-\(UUID().uuidString).jsonl")
        h.press(":export \(out.path)\r")
        #expect(
            h.statusBar.hasPrefix("still importing people.jsonl (0%, 0 rows stored): export once"), "\(h.statusBar)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // Frequencies count what is stored, and say so.
        h.press("lF")
        #expect(h.statusBar.hasPrefix("still importing: these counts cover the 0 rows stored so far"), "\(h.statusBar)")
        h.runJobs()
        #expect(h.text.contains("No rows to count."), "\(h.text)")
        h.press("\u{1b}")
        #expect(h.app.top.title == "people")
        h.press("h0d")
        #expect(h.statusBar.hasPrefix("still importing: the scan covers the 0 rows stored so far"), "\(h.statusBar)")
        h.runJobs()
        h.press("\u{1b}")
        #expect(h.app.top.title == "people", "\(h.app.top.title)")
        // One batch: the count of stored rows grows; the grid stays on the file's lines.
        #expect(try run.step())
        h.app.tick()
        #expect(h.statusBar.hasPrefix("importing 38% · 1,000 stored · 2,500/2"), "\(h.statusBar)")
        while try run.step() {}
        h.app.tick()
        #expect(h.statusBar.hasPrefix("imported 2500 rows from people.jsonl in "), "\(h.statusBar)")
        #expect(!h.app.isBusy)
        // Now the rows are the store's records, and the cursor is still on the last one.
        #expect(h.text.contains("p2499@x.io"))
        h.press("\r")
        #expect(h.app.top.title != "people", "the record opens")
    }

    @Test func aLineTheImportWillRefuseShowsWhyInTheErrorRole() throws {
        let text = #"{"email":"a@x.io"}"# + "\n\nnot json\n[1]\n" + #"{"email":"b@x.io"}"#
        let h = try Harness(opening: text, named: "mixed.jsonl", key: "$.email", width: 80, height: 10)
        // Blank lines are no rows, but lines keep the numbers an editor shows.
        #expect(h.statusBar.hasPrefix("importing 0% · 0 stored · 1/4"), "\(h.statusBar)")
        #expect(h.screen()[3].contains("⚠ line 3: "), "\(h.screen()[3])")
        #expect(h.screen()[4].contains("⚠ line 4: expected a data"), "\(h.screen()[4])")
        // A line has no update time yet: the column stays empty rather than showing a made-up one.
        #expect(h.screen()[1].contains("UPDATED") && !h.text.contains("1970"), "\(h.text)")
        #expect(h.roles()[3].contains("E") && h.roles()[4].contains("E"))
        #expect(!h.roles()[5].contains("E"))
    }

    /// A `.jsonl` file the import reads otherwise — an array, one pretty-printed object — is not shown by
    /// lines (they would not be its records): its grid grows with the import.
    @Test(arguments: [
        "[\n  {\"email\": \"a@x.io\"},\n  {\"email\": \"b@x.io\"}\n]\n", "{\n  \"email\": \"a@x.io\"\n}\n",
    ])
    func aFileThatIsNotLinesGrowsWithTheImport(text: String) throws {
        let h = try Harness(opening: text, named: "odd.jsonl", key: "$.email", width: 80, height: 10)
        let run = try #require(h.fileRun)
        #expect(run.lines == nil)
        #expect(h.statusBar.hasPrefix("importing 0% · 0 stored · no records"), "\(h.statusBar)")
        while try run.step() {}
        h.app.tick()
        #expect(h.statusBar.hasPrefix("imported "), "\(h.statusBar)")
        #expect(h.text.contains("a@x.io"))
    }

    @Test func aCSVGridGrowsAsTheImportCommits() throws {
        let csv = "email,score\n" + (0..<2500).map { "p\($0)@x.io,\($0)" }.joined(separator: "\n") + "\n"
        let h = try Harness(opening: csv, named: "people.csv", key: "$.email", width: 80, height: 10)
        let run = try #require(h.fileRun)
        // CSV rows come from the store only: the grid is open, empty, and says it is importing.
        #expect(h.statusBar.hasPrefix("importing 0% · 0 stored · no records"), "\(h.statusBar)")
        #expect(try run.step())
        h.app.tick()
        #expect(h.statusBar.hasPrefix("importing 36% · 1,000 stored · 1/1,000"), "\(h.statusBar)")
        #expect(h.screen()[1].contains("EMAIL") && h.screen()[1].contains("SCORE"), "\(h.screen()[1])")
        #expect(h.screen()[2].contains("p0@x.io"))
        // The selection keeps its role while the grid grows.
        #expect(h.roles()[2].contains("S"))
        #expect(try run.step())
        h.app.tick()
        #expect(h.statusBar.hasPrefix("importing 78% · 2,000 stored · 1/2,000"), "\(h.statusBar)")
        while try run.step() {}
        h.app.tick()
        #expect(h.statusBar.hasPrefix("imported 2500 rows from people.csv in "), "\(h.statusBar)")
        h.press("G")
        #expect(h.text.contains("p2499@x.io"))
    }

    @Test func refusedLinesAreNamedWhenTheImportEnds() throws {
        // A blank line keeps its number: the refused line is the third an editor shows.
        let text = #"{"email":"a@x.io"}"# + "\n\nnot json\n" + #"{"email":"b@x.io"}"# + "\n"
        let h = try Harness(opening: text, named: "mixed.jsonl", key: "$.email")
        let run = try #require(h.fileRun)
        while try run.step() {}
        h.app.tick()
        #expect(
            h.statusBar.hasPrefix("imported 3 rows from mixed.jsonl; 1 refused: line 3: invalid: "), "\(h.statusBar)")
        #expect(try h.store.counts(type: "mixed")?.active == 2)
    }
}
