import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
import Testing

@Suite struct DuplicatesTests {
    static let related: [(type: String, key: String)] = [
        ("properties", "X1001"), ("properties", "X1002"), ("companies", "Globex Corp"),
    ]

    @Test func theScanShowsProgressKeepsAnsweringKeysAndCanBeCancelled() throws {
        let h = try Harness(width: 100, height: 12)
        h.press(":contacts<enter>d")
        // The scan has started but not run: a progress bar, and keys still work.
        #expect(
            h.screen()[2]
                == "| Scanning by email ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ 0% starting · x cancels                 |"
        )
        #expect(h.app.isBusy)
        h.press("jk?")
        #expect(h.text.contains("cancel the scan"))
        h.press("<esc>x")
        #expect(h.statusBar.hasPrefix("cancelling the scan"))
        h.runJobs()
        #expect(
            h.screen()[2]
                == "| scan cancelled; r scans again                                                                      |"
        )
        #expect(!h.app.isBusy)
        // The next rule scans again, to the end this time.
        h.press("<tab>").runJobs()
        #expect(h.text.contains("419 active records scanned"))
        #expect(h.screen()[4].contains("same phone digits"))
    }

    @Test func mergeViewPicksValuesShowsEffectsAndMergesThenUndoes() throws {
        let h = try Harness(width: 100, height: 24)
        h.press(":dupes contacts<enter>").runJobs()
        #expect(h.text.contains("419 active records scanned · 7 groups"))
        h.press("j<enter>")
        #expect(
            try h.screen(naming: ["D0A", "D0B"], others: Self.related) == [
                "| recdeck Types › dupes contacts › merge                                                    t.sqlite |",
                "| rules  default  ★ first inserted (every rule ties)  ● kept · space takes the cell · r rules        |",
                "|┌─ fields ─────────────────────────────────────────────────────────────────────────────────────────┐|",
                "|│                   1★ Jane Smith        2  Jane Smith        RESULT               HOW             │|",
                "|│  name             ●Jane Smith          ●Jane Smith          Jane Smith           same            │|",
                "|│! data.contact_id  ●D0A                  D0B                 D0A                  survivor        │|",
                "|│! data.email       ●Jane.Smith@Example…  jane.smith@example… Jane.Smith@Example.… survivor        │|",
                "|│  data.first_name  ●Jane                ●Jane                Jane                 same            │|",
                "|│  data.last_name   ●Smith               ●Smith               Smith                same            │|",
                "|│! data.phone       ●+1 555 0100          +15550100           +1 555 0100          survivor        │|",
                "|│                                                                                                  │|",
                "|│                                                                                                  │|",
                "|│                                                                                                  │|",
                "|│                                                                                                  │|",
                "|│                                                                                                  │|",
                "|└──────────────────────────────────────────────────────────────────────────────────────────────────┘|",
                "|┌─ effects ────────────────────────────────────────────────────────────────────────────────────────┐|",
                "|│  child <X1001>_____________________________ (properties · 191 Mill St): parent_id → ★            │|",
                "|│  child <X1002>_____________________________ (properties · 44 Main St): parent_id → ★             │|",
                "|│  association <Globex Corp>_______________________ (companies · Globex Corp) → ★                  │|",
                "|│  moved aside <D0B>_______________________________ contact_id \"D0B\" → \"D0B_merged_1790000000\"     │|",
                "|│  archived <D0B>_______________________________ with merged_into <uuid>__________________________…│|",
                "|└──────────────────────────────────────────────────────────────────────────────────────────────────┘|",
                "| name · same in 2 records  j/k next / previous field  h/l next / previous record  …          ? help |",
            ])
        // Take the phone from the second record, lazygit-style: move to its cell and press space.
        h.press("jjjjjl ")
        #expect(
            h.screen()[9]
                == "|│! data.phone        +1 555 0100         ●+15550100           +15550100            by hand         │|"
        )
        #expect(h.statusBar.hasPrefix("data.phone · by hand: "))
        // Space again goes back to the default.
        h.press(" ")
        #expect(h.screen()[9].contains("survivor"))
        h.press(" <c-s>")
        #expect(h.text.contains("Merge 1 record into"))
        #expect(h.text.contains("~ $.data.phone: \"+1 555 0100\" → \"+15550100\""))
        h.press("y")
        #expect(h.statusBar.hasPrefix("merged into"))
        let survivor = try h.contact("D0A"),
            loser = try h.store.record(id: try h.store.findRecord(type: "properties", key: "X1001")!.parentID!)
        #expect(survivor.data["phone"] == "+15550100" && loser?.id == survivor.id)
        #expect(try h.store.findRecord(type: "contacts", key: "D0B") == nil)
        // Back in the duplicates view, which scanned again: one group fewer.
        h.runJobs()
        #expect(h.app.top is DuplicatesView)
        #expect(h.text.contains("418 active records scanned · 6 groups"))
        h.press("u")
        #expect(h.text.contains("Undo merge"))
        h.press("y").runJobs()
        #expect(h.text.contains("419 active records scanned · 7 groups"))
        #expect(try h.contact("D0B").archived == false)
        #expect(try h.contact("D0A").data["phone"] == "+1 555 0100")
    }

    @Test func mergingIsRefusedReadOnly() throws {
        let h = try Harness(readOnly: true)
        h.press(":dupes contacts<enter>").runJobs().press("<enter><c-s>")
        #expect(h.statusBar.hasPrefix("read-only: merge would write to the database"))
    }
}
