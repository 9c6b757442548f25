import Foundation
import RecordCore
import Testing

@testable import RecDeckCommands

/// Issue 16 in tmux on the real binary: `M` in the Duplicates view runs a bulk merge whose review queue
/// opens "n of m" in the selection's colours; the run is then undone from the command line.
@Suite(.serialized) struct BulkMergeEndToEndTests {
    typealias Tmux = TUIEndToEndTests.Tmux

    @Test func theShippedNicknameListLoads() throws {
        let table = try NicknameFile.table()
        #expect(table.groupCount > 100)
        #expect(table.equivalent("Bob", "Robert") && table.equivalent("Kate", "Katherine"))
    }

    @Test(.enabled(if: TUIEndToEndTests.tmuxAvailable, "tmux is not installed (CI installs it)"))
    func bulkMergeReviewAndUndo() throws {
        let box = try Sandbox()
        let tmux = Tmux()
        try tmux.startDemo(box, width: 100, height: 30)
        try tmux.keys(":dupes contacts", "Enter")
        _ = try tmux.waitFor("419 active records scanned · 7 groups")
        try tmux.keys("5")
        _ = try tmux.waitFor("names 0.96 similar and same phone digits")
        try tmux.keys("M")
        _ = try tmux.waitFor("to review", "go to review; its queue opens after the run.")
        try tmux.keys("y")
        let review = try tmux.waitFor("Review 1 of 3", "score 0.9")
        #expect(review.contains("survivor: "), "\(review)")
        let lines = try tmux.coloured()
        let header = try #require(lines.first { $0.contains("Review") })
        // The position sits in the selection's colours (#5fafd7 → xterm 74).
        #expect(header.contains("48;5;74m1 of 3"), "\(header.debugDescription)")
        try tmux.keys("s")
        _ = try tmux.waitFor("Review 2 of 3")
        try tmux.keys("A")
        _ = try tmux.waitFor("Merge the 2 groups left?")
        try tmux.keys("y")
        _ = try tmux.waitFor("the review queue is done")
        try tmux.quit()

        // The run, read back and undone with the CLI.
        let merges = try JSONValue.parse(box.run(["merges", "--db", box.db, "--json"]).out)
        let run = try #require(merges["runs"]?.arrayValue?.first)
        #expect(run["counts"]?["accepted"] == 2 && run["counts"]?["dismissed"] == 1)
        let runID = try #require(run["run"]?.stringValue)
        let undo = try box.run(["undo", "--batch", runID, "--db", box.db])
        #expect(undo.status == 0, "\(undo.err)")
        let types = try box.run(["types", "--db", box.db])
        #expect(types.out.contains("419"), "\(types.out)")
    }
}
