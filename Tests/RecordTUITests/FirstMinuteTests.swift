import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
import Testing

/// Issue 14's smaller defects and the Record view's search, copy and links.
@Suite struct FirstMinuteTests {
    @Test func tooSmallTerminalSwallowsKeys() throws {
        let h = try Harness(width: 40, height: 8)
        _ = h.screen()
        h.press("jq:contacts<enter>")
        #expect(!h.app.quitRequested)
        #expect(h.app.stack.count == 1)
        h.width = 100; h.height = 20
        _ = h.screen()
        h.press("j")
        #expect(h.statusBar.hasPrefix("2/4"))
    }

    @Test func hintsAreCutWithAnEllipsisAndHelpIsAlwaysShown() throws {
        for width in [60, 80, 120] {
            let h = try Harness(width: width, height: 12)
            h.press(":contacts<enter>")
            #expect(h.statusBar.hasSuffix("? help"), "\(width)")
            #expect(h.statusBar.contains("…"), "\(width)")
            // The status bar's roles: hint keys and their words, help at the right edge.
            #expect(h.roles()[11].hasSuffix("khhhhhh|"))
        }
    }

    @Test func completionAddsASpaceAndListsCandidates() throws {
        let h = try Harness()
        h.press(":th<tab>")
        #expect(h.app.commandLine == "theme ")
        h.press("<esc>:co<tab>")
        #expect(h.app.commandLine == "co")
        #expect(h.statusBar.contains("conflicts  companies  contacts") || h.statusBar.contains("companies"))
        h.press("n<tab>")
        #expect(h.app.commandLine == "con")
        h.press("ta<tab>")
        #expect(h.app.commandLine == "contacts")
        h.press("<esc>:zz<tab>")
        #expect(h.statusBar.contains("no command, type or theme starts with \"zz\""))
    }

    @Test(arguments: [
        ("[1~", Key.home), ("[4~", .end), ("OH", .home), ("OF", .end), ("[H", .home), ("[F", .end), ("[7~", .home),
        ("[8~", .end), ("[5~", .pageUp), ("[6~", .pageDown), ("[3~", .delete), ("OP", .f1), ("[A", .up),
    ])
    func escapeSequencesDecodeWhateverTermSays(rest: String, key: Key) {
        #expect(Key.escapeSequence(rest) == key)
    }

    /// Keys that arrive together stay apart: a sequence is read to its final byte and no further (reading
    /// everything buffered once swallowed the arrows typed after an End).
    @Test(arguments: [
        ("[", false), ("[4", false), ("[4~", true), ("O", false), ("OD", true), ("[1;5", false), ("[1;5C", true),
        ("[[", false), ("[[A", true), ("x", nil), ("/", nil),
    ])
    func escapeSequencesEndAtTheirFinalByte(rest: String, complete: Bool?) {
        #expect(Key.escapeSequenceIsComplete(rest) == complete)
    }

    @Test func unknownEscapeSequencesAreDropped() {
        #expect(Key.escapeSequence("[99~") == nil)
    }

    @Test func recordSearchFindsKeysAndValuesWithNextAndPrevious() throws {
        let h = try Harness(width: 100, height: 30)
        h.press(":contacts<enter>/D0A<enter><enter>")
        h.press("/SMITH<enter>")
        #expect(h.statusBar == "match 1/2: $.email")
        h.press("n")
        #expect(h.statusBar == "match 2/2: $.last_name")
        h.press("n")
        #expect(h.statusBar == "match 1/2: $.email")
        h.press("N")
        #expect(h.statusBar == "match 2/2: $.last_name")
        h.press("j")
        #expect(h.statusBar.contains("/SMITH match 2/2"))
        // A match inside a folded container unfolds it.
        h.press(":properties<enter>/P1<enter><enter>-")
        h.press("/rex<enter>")
        #expect(h.statusBar == "match 1/1: $.external_ids.rex")
        #expect(h.screen().contains { $0.contains(">") && $0.contains("▸ rex: {…} 1 key") })
        h.press("l")
        #expect(h.screen().contains { $0.contains("property_id: \"P1\"") })
        h.press("/nothing-like-this<enter>")
        #expect(h.statusBar.contains("no key or value matches"))
    }

    @Test func copyInTheRecordViewTakesTheValueThePathOrTheRecord() throws {
        let h = try Harness(width: 100, height: 30)
        h.press(":contacts<enter>/D0A<enter><enter>/email<enter>y")
        #expect(h.clipboard.copied.last == "Jane.Smith@Example.com")
        h.press("Y")
        #expect(h.clipboard.copied.last == "$.email")
        h.press("<c-y>")
        #expect(h.clipboard.copied.last?.contains("\"D0A\"") == true)
    }

    @Test func linksOpenParentChildrenAndAssociations() throws {
        let h = try Harness(width: 110, height: 34)
        // The demo plants two child properties and an association on contact D0B.
        h.press(":contacts<enter>/D0B<enter><enter>")
        #expect(h.text.contains("links"))
        #expect(h.text.contains("child"))
        #expect(h.text.contains("associated"))
        h.press("<tab>")
        #expect(h.statusBar.hasPrefix("link 1/3"))
        h.press("<enter>")
        let child = try #require(h.app.top as? RecordView)
        #expect(child.record.type == "properties")
        // The child's parent link leads back.
        #expect(h.text.contains("parent"))
        h.press("<tab><enter>")
        #expect((h.app.top as? RecordView)?.record.type == "contacts")
        h.press("<esc><esc>jj<enter>")
        #expect((h.app.top as? RecordView)?.record.type == "companies")
    }

    @Test func mergeViewAsksBeforeDroppingPicks() throws {
        let h = try Harness(width: 100, height: 24)
        h.press(":dupes contacts<enter>").runJobs()
        h.press("<enter><esc>")
        #expect(h.app.top is DuplicatesView)
        h.press("<enter>jjjjjl <esc>")
        #expect(h.text.contains("Leave the merge?"))
        h.press("n")
        #expect(h.app.top is MergeView)
        h.press("<esc>y")
        #expect(h.app.top is DuplicatesView)
    }

    @Test func duplicatesHavePageKeysAndRowsThatTellMembersApart() throws {
        let h = try Harness(width: 140, height: 24)
        h.press(":dupes contacts<enter>").runJobs()
        #expect(h.text.contains("Maria Garcia <maria@post.example> · Maria Garcia <Maria@Post.Example>"))
        #expect(
            h.text.contains(
                "Jane Smith <Jane.Smith@Example.com> <+1 555 0100> · Jane Smith <jane.smith@example.com > <+1555010"))
        h.press("G")
        #expect(h.statusBar.hasPrefix("group 7/7"))
        h.press("g")
        #expect(h.statusBar.hasPrefix("group 1/7"))
        h.press("<pgdn>")
        #expect(h.statusBar.hasPrefix("group 7/7"))
        h.press("<pgup>")
        #expect(h.statusBar.hasPrefix("group 1/7"))
    }
}

@Suite struct ConflictQueueLookTests {
    /// The queue names the archived record (it showed only its id), and the resolver's options do not
    /// repeat themselves ("unarchive → unarchive").
    @Test func theQueueNamesRecordsAndOptionsAreNotRepeated() throws {
        let h = try Harness(width: 120, height: 30)
        h.press(":conflicts<enter>")
        #expect(h.screen()[2].contains("Aisha Novak (0"))
        h.press("<enter>")
        #expect(h.text.contains("> 1 unarchive "))
        #expect(!h.text.contains("unarchive → unarchive"))
        #expect(h.text.contains("2 unarchive + update"))
    }
}
