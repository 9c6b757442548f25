import Foundation
import RecordCore
import RecordTUI
import TerminalScreen
import Testing

@Suite struct RecordsViewTests {
    @Test func firstScreenListsActiveRecordsWithPosition() throws {
        let h = try Harness(width: 100, height: 12)
        h.press(":contacts<enter>")
        let s = h.screen()
        #expect(
            s[1]
                == "|  NAME          CONTACT_ID EMAIL                       PHONE       FIRST_NAME LAST_NAME TITLE      ▶|"
        )
        #expect(
            s[2]
                == "|> Olivia Kim    C00000     olivia.kim0@mail.example    +1 555 5725 Olivia     Kim       CEO         |"
        )
        #expect(h.statusBar.hasPrefix("1/419 · name 1/14"))
    }

    @Test func jumpToLastAndBackPagesByKeyset() throws {
        let h = try Harness(width: 100, height: 12)
        h.press(":contacts<enter>G")
        #expect(h.statusBar.hasPrefix("419/419"))
        #expect(h.text.contains("> Bidi"))
        h.press("k")
        #expect(h.statusBar.hasPrefix("418/419"))
        h.press("g")
        #expect(h.statusBar.hasPrefix("1/419"))
        // Paging down through more rows than the window holds keeps counting.
        for _ in 0..<40 { h.press("<pgdn>") }
        #expect(h.statusBar.hasPrefix("361/419"))
    }

    @Test func prefixFilterMatchesIdentifiersAndNames() throws {
        let h = try Harness(width: 110, height: 20)
        h.press(":contacts<enter>/c0001<enter>").runJobs()
        #expect(h.statusBar == "9 records match c0001…")
        h.press("k")
        #expect(h.statusBar.hasPrefix("1/9 · filter c0001…"))
        #expect(h.text.contains("contact_id C00010"))
        #expect(h.screen()[1].contains("MATCHED"))
        // Rows that all matched by name need no MATCHED column: the name is in view.
        h.press("/Zo<enter>")
        #expect(!h.screen()[1].contains("MATCHED"))
        #expect(h.screen()[2].contains("Zo"))
        h.press("/<enter>")
        #expect(!h.statusBar.contains("filter c0001"))
    }

    @Test func pathFilterAndItsErrors() throws {
        let h = try Harness(width: 110, height: 20)
        h.press(":contacts<enter>/$.contact_id = C00002<enter>").runJobs()
        #expect(h.text.contains("Lars Nguyen"))
        #expect(h.statusBar == "1 record matches $.contact_id = \"C00002\"")
        h.press("/email = x<enter>")
        #expect(h.statusBar.contains("filter: \"email\" is not a path"))
        h.press("/$.a[ = 1<enter>")
        #expect(h.statusBar.contains("expected an index or a quoted key after \"[\" in `$.a[` (at column 5)"))
    }

    @Test func sortCyclesThroughOrders() throws {
        let h = try Harness(width: 100, height: 12)
        h.press(":contacts<enter>s")
        #expect(h.statusBar.contains("newest first"))
        #expect(h.screen()[2].contains("Bidi"))
        // The name order reads an index built the first time it is asked for, like any column's.
        h.press("s")
        #expect(h.statusBar.hasPrefix("building an index on name"), "\(h.statusBar)")
        h.runJobs()
        #expect(h.statusBar.contains("sorted by name A→Z; index built in"), "\(h.statusBar)")
        #expect(h.screen()[2].contains("Aisha"))
        h.press("s")
        #expect(h.statusBar.contains("name Z→A"), "\(h.statusBar)")
        #expect(h.screen()[2].contains("王小明") || h.screen()[2].contains("Zoë"))
    }

    @Test func marksAndArchiveManyInOneConfirmation() throws {
        let h = try Harness(width: 100, height: 20)
        h.press(":contacts<enter>  ")
        #expect(h.statusBar.contains("2 marked"))
        h.press("D")
        #expect(h.text.contains("Archive 2 records?"))
        h.press("y")
        #expect(h.statusBar.contains("archived 2 records"))
        #expect(try h.contact("C00000").archived)
        #expect(try h.contact("C00001").archived)
        h.press("a/C0000<enter>")
        h.press(" R")
        #expect(h.text.contains("Restore Olivia Kim?"))
        h.press("n")
        #expect(h.statusBar.contains("cancelled"))
        #expect(try h.contact("C00000").archived)
    }
}
