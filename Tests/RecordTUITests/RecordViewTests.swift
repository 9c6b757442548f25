import Foundation
import RecordCore
import RecordTUI
import TerminalScreen
import Testing

@Suite struct RecordViewTests {
    /// Opens contact C00000 (Olivia Kim, the first row).
    func openFirstContact(width: Int = 80, height: Int = 30) throws -> Harness {
        let h = try Harness(width: width, height: height)
        h.press(":contacts<enter><enter>")
        return h
    }

    @Test func treeShowsDataWithPathInStatusBar() throws {
        let h = try openFirstContact()
        let s = h.screen()
        #expect(s.contains("|│ name        Olivia Kim                                                       │|"))
        #expect(s.contains("|│>▾ {                                                                          │|"))
        #expect(s.contains("|│     email: \"olivia.kim0@mail.example\"                                        │|"))
        #expect(h.statusBar.hasPrefix("$ "))
        h.press("jjj")
        #expect(h.statusBar.hasPrefix("$.email "))
    }

    @Test func foldingOneAndAll() throws {
        let h = try openFirstContact()
        h.press("G")  // the closing brace
        h.press("kk")  // `]` of tags
        h.press("k")  // [0]
        h.press("h")  // to the parent: tags
        #expect(h.statusBar.hasPrefix("$.tags "))
        h.press(" ")
        #expect(h.text.contains("▸ tags: […] 1 item"))
        h.press("l")
        #expect(h.text.contains("▾ tags: ["))
        h.press("-")
        #expect(h.text.contains("▾ {"))
        #expect(h.text.contains("▸ tags: […] 1 item"))
        h.press("g ")
        #expect(h.text.contains("▸ {…} 9 keys"))
        h.press("+")
        #expect(h.text.contains("[0]: \"vip\""))
    }

    @Test func revisionsListAndUndo() throws {
        let h = try openFirstContact(width: 100)
        h.press("D")
        #expect(h.text.contains("Archive Olivia Kim?"))
        h.press("y")
        #expect(h.text.contains("ARCHIVED"))
        h.press("r")
        #expect(h.text.contains("archive    tui"))
        #expect(h.text.contains("create     demo"))
        h.press("u")
        #expect(h.text.contains("Undo the last change (archive)?"))
        #expect(h.text.contains("the record becomes active again"))
        h.press("y")
        #expect(h.statusBar.contains("undone: archive → now version 3"))
        #expect(try !h.contact("C00000").archived)
        #expect(try h.contact("C00000").version == 3)
    }
}
