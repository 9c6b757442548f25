import Foundation
import RecordCore
import RecordTUI
import TerminalScreen
import Testing

@Suite struct NavigationTests {
    @Test func typesViewListsCountsConflictsAndIdentifiers() throws {
        let h = try Harness(width: 100, height: 10)
        #expect(
            h.screen() == [
                "| recdeck Types                                                                             t.sqlite |",
                "| KEY            NAME                ACTIVE  ARCHIVED CONFLICTS IDENTIFIERS                          |",
                "|>companies      Companies               56         6         · domain (casefold), external_id (exa… |",
                "| contacts       Contacts               419        30         3 contact_id (exact), external_id (ex… |",
                "| people         People                   0         0         · email_addresses (email), external_i… |",
                "| properties     Properties              90        10         · property_id (exact), id (exact), ex… |",
                "|                                                                                                    |",
                "|                                                                                                    |",
                "|                                                                                                    |",
                "| 1/4  j/k move  enter open the type's records  c conflict queue  …                           ? help |",
            ])
    }

    @Test func breadcrumbsFollowTheStackAndEscGoesBack() throws {
        let h = try Harness()
        h.press("j<enter>")
        #expect(h.screen()[0].hasPrefix("| recdeck Types › contacts "))
        h.press("<enter>")
        #expect(h.screen()[0].hasPrefix("| recdeck Types › contacts › Olivia Kim "))
        h.press("<esc><esc>")
        #expect(h.screen()[0].hasPrefix("| recdeck Types "))
        #expect(!h.app.quitRequested)
        h.press("q")
        #expect(h.app.quitRequested)
    }

    @Test func commandLineOpensTypesThemesAndQuits() throws {
        let h = try Harness()
        h.press(":contacts<enter>")
        #expect(h.app.top.title == "contacts")
        h.press(":nope<enter>")
        #expect(h.statusBar.contains("unknown command or type \"nope\""))
        h.press(":types<enter>")
        #expect(h.app.stack.count == 1)
        h.press(":theme nosuch<enter>")
        #expect(h.statusBar.contains("unknown theme \"nosuch\"; available: mono"))
        h.press(":q<enter>")
        #expect(h.app.quitRequested)
    }

    @Test func commandLineIsShownWhileTyped() throws {
        let h = try Harness()
        h.press(":cont")
        #expect(h.statusBar == ":cont")
        h.press("<tab>")
        #expect(h.statusBar == ":contacts")
    }

    @Test func helpIsGeneratedFromTheKeymap() throws {
        let h = try Harness()
        h.press(":contacts<enter>?")
        let text = h.text
        #expect(text.contains("Keys — any other key closes"))
        #expect(text.contains("filter: a name or identifier prefix, ~text"))
        #expect(text.contains("show / hide archived records"))
        h.press("x")
        #expect(!h.text.contains("Keys — any other key closes"))
    }

    @Test(arguments: [(30, 8), (49, 20), (80, 9)])
    func tooSmallTerminalSaysSo(width: Int, height: Int) throws {
        let h = try Harness(width: width, height: height)
        #expect(h.text.contains("terminal too small"))
        h.width = 120; h.height = 40
        #expect(!h.text.contains("terminal too small"))
        #expect(h.text.contains("contacts"))
    }

    @Test func resizingKeepsEveryRowTheScreenWidth() throws {
        let h = try Harness()
        h.press(":contacts<enter>")
        for (w, hh) in [(50, 10), (200, 60), (73, 17), (120, 12)] {
            h.width = w; h.height = hh
            h.press("<resize>")
            for line in h.screen() { #expect(DisplayWidth.of(line) == w + 2, "\(w)x\(hh): \(line)") }
        }
    }

    @Test func keySequencesParse() {
        #expect(
            Key.sequence("ab<esc><c-s><enter><lt>") == [
                .char("a"), .char("b"), .escape, .ctrl("s"), .enter, .char("<"),
            ])
        #expect(Key.sequence("<up><pgdn> ") == [.up, .pageDown, .char(" ")])
        #expect(Key.from("\u{7F}") == .backspace)
        #expect(Key.from("\u{13}") == .ctrl("s"))
    }
}
