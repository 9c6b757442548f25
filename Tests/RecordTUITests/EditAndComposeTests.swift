import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
import Testing

@Suite struct EditAndComposeTests {
    @Test func inlineEditValidatesLiveShowsDiffAndSaves() throws {
        let h = try Harness(width: 100, height: 30)
        h.press(":contacts<enter>e")
        #expect(h.statusBar.hasPrefix("✓ valid JSON"))
        // Break the JSON: a stray character at the start of line 2.
        h.press("<down><home>x")
        #expect(h.statusBar.hasPrefix("✗ malformed JSON"))
        #expect(h.text.contains("  2!x"))
        h.press("<c-z>")
        #expect(h.statusBar.hasPrefix("✓ valid JSON"))
        // Change the title: move to its line and retype the value.
        let editor = try #require(h.app.top as? EditorView)
        let titleLine = editor.editor.lines.firstIndex { String($0).contains("\"title\"") }!
        h.press(String(repeating: "<down>", count: titleLine - 1) + "<end><left><bs><bs><bs>Boss")
        #expect(h.statusBar.hasPrefix("✓ valid JSON"))
        h.press("<c-s>")
        #expect(h.text.contains("Save 1 change?"))
        #expect(h.text.contains("~ $.data.title: \"CEO\" → \"Boss\""))
        h.press("y")
        #expect(h.statusBar.contains("saved Olivia Kim: version 2"))
        #expect(try h.contact("C00000").data["title"] == .string("Boss"))
    }

    @Test func staleEditIsRefusedAndTheTextKept() throws {
        let h = try Harness()
        h.press(":contacts<enter>e<end>")
        // Another process changes the record meanwhile.
        var other = UpsertRequest(type: "contacts")
        other.lookup = .identifier("contact_id", value: "C00000")
        other.data = ["score": 1]
        try h.store.upsert(other, source: WriteSource("cli"))
        let editor = try #require(h.app.top as? EditorView)
        let scoreLine = editor.editor.lines.firstIndex { String($0).contains("\"score\"") }!
        h.press("<home>" + String(repeating: "<down>", count: scoreLine) + "<end><bs><bs><bs>5,<c-s>")
        #expect(h.statusBar.contains("not saved: the record was changed meanwhile (now version 2, you edited 1)"))
        #expect(h.app.top is EditorView)
        #expect(
            (h.app.top as! EditorView).editor.text.contains("\"score\" : 5,")
                || (h.app.top as! EditorView).editor.text.contains("\"score\": 5,"))
        #expect(try h.contact("C00000").data["score"] == .int(1))
    }

    @Test func editingUnknownMembersAndWrongTypesIsExplained() throws {
        let h = try Harness()
        h.press(":contacts<enter>e")
        let editor = try #require(h.app.top as? EditorView)
        _ = editor
        h.press("<right><enter>\"colour\": \"red\",")
        #expect(h.statusBar.contains("unknown member \"colour\""))
        h.press("<esc>")
        #expect(h.text.contains("Discard your changes?"))
        h.press("y")
        #expect(h.app.top.title == "contacts")
    }

    @Test func composerPreviewsEveryArchiveModeAndResolvesWithUnarchive() throws {
        let h = try Harness(width: 120, height: 36)
        h.press(":companies<enter>a")
        // The first company, Acme Corporation, is archived in the demo.
        h.press("P")
        let text = h.text
        #expect(text.contains("[native]"))
        #expect(text.contains(" CONFLICT "))
        #expect(text.contains("matched Acme Corporation"))
        #expect(text.contains("on identifier domain = \"acmecorporation.example\""))
        #expect(text.contains("prompt (this request)"))
        #expect(text.contains(" UNARCHIVE_UPDATE "))
        #expect(text.contains(" OVERWRITE "))
        h.press("<c-s>")
        #expect(h.app.top is ResolverView)
        #expect(h.text.contains("archived record"))
        #expect(h.text.contains("incoming request (native)"))
        h.press("2")
        #expect(h.text.contains("restores the record and applies the request"))
        h.press("1<enter>")
        #expect(h.text.contains("Resolve with unarchive?"))
        h.press("y")
        #expect(h.statusBar.contains("unarchive: Acme Corporation"))
        let acme = try #require(try h.store.findRecord(type: "companies", key: "Acme Corporation"))
        #expect(!acme.archived)
        // Back in the composer, the preview is re-planned against the new state.
        #expect(h.app.top is ComposerView)
        #expect(!h.text.contains(" CONFLICT "))
    }

    /// A trailing comma is refused as the real APIs refuse it, and the preview wraps the error, so where it
    /// points stays readable in a 58-column panel (it was cut off with `…`).
    @Test func composerShowsWhereMalformedJSONIsWrong() throws {
        let h = try Harness(width: 120, height: 36)
        h.press(":upsert contacts<enter>")
        let composer = try #require(h.app.top as? ComposerView)
        let last = composer.editor.lines.count - 2  // the line before the closing brace
        h.press(String(repeating: "<down>", count: last) + "<end>,")
        #expect(h.text.contains(" REFUSED "))
        let preview = h.screen().map { String($0.dropFirst(61)) }.joined(separator: "\n")
        #expect(preview.contains("(no trailing commas)"), "\(preview)")
        #expect(preview.contains("at line \(last + 2), column 1"), "\(preview)")
        #expect(h.text.contains("  \(last + 2)!}"))
    }

    @Test func composerSwitchesDialectsAndAppliesWithConfirmation() throws {
        let h = try Harness(width: 120, height: 36)
        h.press(":upsert contacts<enter>")
        #expect(h.text.contains("[native]"))
        h.press("<c-t>")
        #expect(h.text.contains("[voxworks]"))
        h.press("<c-t>")
        #expect(h.text.contains("[kizen]"))
        #expect(h.text.contains("\"lookup_value\""))
        #expect(h.text.contains("kizen response 200"))
        h.press("<c-t><c-t><c-t><c-t>")  // nex, zendesk, bulk, native again
        #expect(h.text.contains("[native]"))
        // Fill the native template's contact_id and name: a create.
        let composer = try #require(h.app.top as? ComposerView)
        let idLine = composer.editor.lines.firstIndex { String($0).contains("\"contact_id\"") }!
        h.press(String(repeating: "<down>", count: idLine) + "<end><left><bs><bs><bs><bs><bs><bs>NEW1")
        #expect(h.text.contains(" CREATE "))
        h.press("<c-s>")
        #expect(h.text.contains("Apply this native request?"))
        h.press("y")
        #expect(h.statusBar.contains("applied (201): 1 create"))
        #expect(try h.store.findRecord(type: "contacts", key: "NEW1") != nil)
        #expect(h.text.contains(" UNCHANGED ") || h.text.contains(" UPDATE "))
    }

    @Test func conflictQueueWorksNOfMWithApplyToTheRest() throws {
        let h = try Harness(width: 120, height: 36)
        h.press(":conflicts<enter>")
        #expect(h.statusBar.hasPrefix("1/3 pending"))
        h.press("<enter>")
        #expect(h.screen()[0].contains("conflict 1 of 3"))
        h.press("4<enter>y")
        #expect(h.statusBar.contains("skipped; nothing written — 2 left"))
        #expect(h.screen()[0].contains("conflict 1 of 2"))
        h.press("2A")
        #expect(h.text.contains("Apply unarchive + update to 2 conflicts?"))
        h.press("y")
        #expect(h.statusBar.contains("unarchive + update: 2 resolved"))
        #expect(try h.store.conflicts().isEmpty)
        #expect(try h.contact("C00003").archived)
        #expect(try !h.contact("C00017").archived)
        #expect(try h.contact("C00017").data["title"] == .string("Renewed"))
        #expect(try !h.contact("C00031").archived)
        #expect(h.app.top is ConflictsView)
    }

    @Test func readOnlyRefusesEveryWritingKeyAndWritesNothing() throws {
        let h = try Harness(readOnly: true)
        let before = try Data(contentsOf: URL(fileURLWithPath: h.path))
        h.press(":contacts<enter>e")
        #expect(h.statusBar.contains("read-only: edit would write to the database; refused"))
        h.press("D")
        #expect(h.statusBar.contains("read-only: archive would write"))
        h.press("R")
        #expect(h.statusBar.contains("read-only: restore would write"))
        h.press("<enter>u")
        #expect(h.statusBar.contains("read-only: undo would write"))
        h.press("E")
        #expect(h.statusBar.contains("read-only: edit would write"))
        h.press("p<c-s>")
        #expect(h.statusBar.contains("read-only: applying an upsert would write"))
        h.press("<esc>:conflicts<enter><enter><enter>")
        #expect(h.statusBar.contains("read-only: unarchive would write"))
        #expect(h.screen()[0].contains("[read-only]"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.path)) == before)
    }
}

/// Issue 14's composer defects, each with the test that failed before its fix.
@Suite struct ComposerFixTests {
    @Test func switchingDialectsKeepsEachDialectsText() throws {
        let h = try Harness(width: 120, height: 36)
        h.press(":upsert contacts<enter>")
        let composer = try #require(h.app.top as? ComposerView)
        h.press("<down><end> ")  // an edit in the native body
        let native = composer.editor.text
        h.press("<c-t>")
        #expect(composer.dialect.name == "voxworks")
        h.press("<down><end>  ")  // and one in the voxworks body
        let voxworks = composer.editor.text
        h.press("<c-t><c-t><c-t><c-t><c-t>")
        #expect(composer.dialect.name == "native")
        #expect(composer.editor.text == native)
        h.press("<c-t>")
        #expect(composer.editor.text == voxworks)
        // Leaving asks, since work would be lost.
        h.press("<esc>")
        #expect(h.text.contains("Close the composer?"))
    }

    @Test func ctrlUInTheQueryLineClearsItAndLeavesTheBody() throws {
        let h = try Harness(width: 120, height: 36)
        h.press(":upsert companies<enter><c-t><c-t><c-t><c-t>")
        let composer = try #require(h.app.top as? ComposerView)
        #expect(composer.dialect.name == "zendesk")
        let body = composer.editor.text
        h.press("<tab><c-u>")
        #expect(composer.queryText == "")
        #expect(composer.editor.text == body)
        h.press("name=GLOBEX INDUSTRIES<tab>")
        #expect(composer.queryText == "name=GLOBEX INDUSTRIES")
    }

    @Test func f1OpensHelpInsideTheComposerAndQuestionMarksAreText() throws {
        let h = try Harness(width: 120, height: 36)
        h.press(":upsert contacts<enter>")
        let composer = try #require(h.app.top as? ComposerView)
        h.press("?")
        #expect(!h.text.contains("Keys — any other key closes"))
        #expect(composer.editor.text.contains("?"))
        h.press("<f1>")
        #expect(h.text.contains("Keys — any other key closes"))
        #expect(h.statusBar.hasSuffix("F1 help"))
    }

    @Test(arguments: ["companies", "contacts", "properties"])
    func everyDialectsTemplatePreviewsCleanlyWithItsOwnLabel(type: String) throws {
        let h = try Harness(width: 140, height: 40)
        h.press(":upsert \(type)<enter>")
        let composer = try #require(h.app.top as? ComposerView)
        for _ in 0..<6 {
            let text = h.text
            #expect(text.contains("\(composer.dialect.name) response"), "\(type) \(composer.dialect.name)")
            #expect(!text.contains("native response") || composer.dialect.name == "native")
            #expect(!text.contains("no lookup: always creates"), "\(type) \(composer.dialect.name)")
            #expect(!text.contains(" REFUSED "), "\(type) \(composer.dialect.name)")
            h.press("<c-t>")
        }
    }
}
