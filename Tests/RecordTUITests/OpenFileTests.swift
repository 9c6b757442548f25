import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
import Testing

@testable import RecDeckCommands

/// Opening a file directly (issue 17): the grid is there at once and grows as the import commits
/// batches, with progress in the status bar, then says what was imported.
@Suite struct OpenFileTests {
    static func lines(_ n: Int) -> String {
        (0..<n).map { #"{"email":"p\#($0)@x.io","score":\#($0)}"# }.joined(separator: "\n") + "\n"
    }

    @Test func theGridGrowsWhileTheImportCommits() throws {
        let h = try Harness(opening: Self.lines(2500), named: "people.jsonl", key: "$.email", width: 80, height: 10)
        let run = try #require(h.fileRun)
        // Nothing committed yet: the grid is open, empty, and says it is importing.
        #expect(h.app.top.title == "people")
        #expect(h.screen()[0].hasSuffix(" people.jsonl |"))
        #expect(h.statusBar.hasPrefix("importing 0% · 0 rows · no records"))
        #expect(h.app.isBusy)
        // One batch of 1,000: rows appear, with their columns.
        #expect(try run.step())
        h.app.tick()
        #expect(h.statusBar.hasPrefix("importing 38% · 1000 rows · 1/1,000"), "\(h.statusBar)")
        #expect(h.screen()[1].contains("EMAIL") && h.screen()[1].contains("SCORE"), "\(h.screen()[1])")
        #expect(h.screen()[2].contains("p0@x.io"))
        // The selection keeps its role while the grid grows.
        #expect(h.roles()[2].contains("S"))
        #expect(try run.step())
        h.app.tick()
        #expect(h.statusBar.hasPrefix("importing 79% · 2000 rows · 1/2,000"), "\(h.statusBar)")
        #expect(try run.step())
        #expect(try !run.step())
        h.app.tick()
        #expect(h.statusBar.hasPrefix("imported 2500 rows from people.jsonl in "), "\(h.statusBar)")
        #expect(!h.app.isBusy)
        h.press("G")
        #expect(h.text.contains("p2499@x.io"))
    }

    @Test func refusedLinesAreNamedWhenTheImportEnds() throws {
        let text = #"{"email":"a@x.io"}"# + "\nnot json\n" + #"{"email":"b@x.io"}"# + "\n"
        let h = try Harness(opening: text, named: "mixed.jsonl", key: "$.email")
        let run = try #require(h.fileRun)
        while try run.step() {}
        h.app.tick()
        #expect(
            h.statusBar.hasPrefix("imported 3 rows from mixed.jsonl; 1 refused: line 2: invalid: "), "\(h.statusBar)")
        #expect(try h.store.counts(type: "mixed")?.active == 2)
    }
}
