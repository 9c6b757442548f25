import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
import Testing

/// Bulk merges in the TUI (issue 16): `M` previews the run's summary, merges, and `u` undoes the run; the
/// review queue works "n of m".
@Suite struct BulkMergeTests {
    @Test func bulkMergePreviewsItsSummaryThenMergesAndUndoesTheRun() throws {
        let h = try Harness(width: 100, height: 24)
        h.press(":dupes contacts<enter>").runJobs()
        #expect(h.text.contains("419 active records scanned · 7 groups"))
        // M plans first (a dry run off the main actor), then asks with the summary.
        h.press("M")
        #expect(h.screen()[2].hasPrefix("| Planning the bulk merge ░░░"))
        #expect(h.statusBar == "planning 7 groups…")
        h.runJobs()
        let preview = h.screen()
        #expect(preview[8].contains("┌─ Merge 7 groups of contacts? ─"))
        #expect(preview[9].contains("│ 7 merged · 0 skipped · 0 to review "))
        #expect(
            preview[10].contains("│ rules default: oldest survives; its values kept, blanks filled, arrays unioned │"))
        #expect(try h.store.merges().isEmpty)
        // Yes: each group merged in its own transaction under one run; the scan runs again.
        h.press("y").runJobs()
        #expect(
            h.statusBar.hasPrefix("run run_")
                && h.statusBar.hasSuffix("7 merged · 0 skipped · 0 to review; u undoes the run"))
        h.runJobs()
        #expect(h.text.contains("411 active records scanned · 0 groups"))
        let merges = try h.store.merges()
        #expect(merges.count == 7 && Set(merges.compactMap(\.runID)).count == 1)
        // u undoes the whole run.
        h.press("u")
        #expect(h.text.contains("Undo run run_"))
        h.press("y").runJobs()
        h.runJobs()
        #expect(h.text.contains("419 active records scanned · 7 groups"))
        #expect(h.statusBar.hasPrefix("undid run run_") && h.statusBar.hasSuffix(": 7 merges, 12 records restored"))
    }

    @Test func theReviewQueueWorksNOfM() throws {
        let h = try Harness(width: 100, height: 24)
        h.press(":dupes contacts<enter>").runJobs()
        // Similar names with the same phone: exact names merge, near names go to review.
        h.press("5").runJobs()
        h.press("M").runJobs()
        #expect(h.text.contains("go to review; its queue opens after the run."))
        h.press("y").runJobs()
        #expect(h.app.top.title == "review")
        let header = h.screen()[1]
        #expect(header.hasPrefix("| Review 1 of 3  contacts by fuzzy-name+phone · rules default · below 1.00 · 3 left"))
        // The position is shown in the selection role.
        let roles = h.roles()[1]
        let at = header.range(of: "1 of 3")!.lowerBound
        let column = header.distance(from: header.startIndex, to: at)
        #expect(Array(roles)[column..<(column + 6)].allSatisfy { $0 == "S" })
        #expect(h.text.contains("score 0.9"))
        #expect(h.text.contains("survivor: "))
        // Skip the first, accept the second, accept the rest.
        h.press("s")
        #expect(h.statusBar.hasPrefix("skipped group"))
        #expect(h.screen()[1].hasPrefix("| Review 2 of 3 ") && h.screen()[1].contains("· 2 left"))
        // Edit the second group's picks in the Merge view: it merges by the run's rules, as the run's merge.
        h.press("e")
        #expect(h.app.top.title == "review merge")
        h.press("r")
        #expect(h.statusBar == "a review merges by its run's rule set")
        h.press("l <c-s>")
        #expect(h.text.contains("Merge 1 record into"))
        h.press("y")
        #expect(h.app.top.title == "review")
        #expect(h.screen()[1].contains("· 1 left"))
        let byHand = try #require(try h.store.merges().first)
        #expect(try byHand.runID == run0(h))
        h.press("A")
        #expect(h.text.contains("Merge the 1 group left?"))
        // The dialog names both keys that confirm; this one is confirmed with enter.
        #expect(h.text.contains("y/enter confirm    n/esc cancel"))
        h.press("<enter>")
        #expect(h.statusBar == "merged 1 group; the review queue is done")
        #expect(h.screen()[1].contains("· 0 left"))
        let run = try #require(try h.store.mergeRuns().first)
        #expect(run.count(.review) == 0 && run.count(.dismissed) == 1 && run.count(.accepted) == 2)
        #expect(try h.store.runAwaitingReview(type: "contacts") == nil)
    }

    func run0(_ h: Harness) throws -> String? { try h.store.mergeRuns().first?.id }

    @Test func reviewOpensTheNewestWaitingRunOrSaysThereIsNone() throws {
        let h = try Harness(width: 100, height: 24)
        h.press(":review<enter>")
        #expect(h.statusBar.hasPrefix("no merge run waits for review"))
    }
}

/// The Merge view under rule sets (issue 16): `r` switches the set, the survivor and every decided field
/// follow it, and a cell picked by hand still wins.
@Suite struct MergeRuleSetViewTests {
    @Test func rSwitchesRuleSetsAndPicksStillOverride() throws {
        let h = try Harness(width: 120, height: 24)
        h.press(":dupes contacts<enter>").runJobs()
        h.press("G<enter>")  // Ravi Patel: an old sparse record and a newer, fuller one from the CRM
        #expect(h.app.top.title == "merge")
        let header = { h.screen()[1] }
        #expect(header().hasPrefix("| rules  default  ★ oldest: created 2026-03-05, next 2026-08-12"), "\(header())")
        // The rule set's name is shown in the selection role.
        let roles = h.roles()[1]
        #expect(Array(roles)[8..<16].allSatisfy { $0 == "S" }, "\(roles)")
        h.press("r")
        #expect(h.statusBar.hasPrefix("rules most-complete: the fullest record survives"))
        #expect(header().hasPrefix("| rules  most-complete  ★ most complete: 11 fields filled, next 10"), "\(header())")
        let title = try #require(h.screen().first { $0.contains("data.title") })
        #expect(title.contains("Head of Buying") && title.contains("never-blank"), "\(title)")
        h.press("r")
        #expect(
            header().hasPrefix("| rules  most-recent  ★ most recently updated: 2026-08-12, next 2026-03-05"),
            "\(header())")
        // Move to data.title, take the older record's value by hand: the HOW column says so.
        let row = try #require(h.screen().firstIndex { $0.contains("data.title") })
        h.press(String(repeating: "j", count: row - 4) + "l ")
        let picked = h.screen()[row]
        #expect(picked.contains("Buyer") && picked.contains("by hand"), "\(picked)")
        #expect(h.statusBar.hasPrefix("data.title · by hand: "))
        // Switching the set again keeps the pick.
        h.press("r")
        #expect(h.screen()[row].contains("by hand"))
    }
}
