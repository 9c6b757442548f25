import Foundation
import RecordCore
import Testing

/// Issue 14 end to end in tmux: the colours that really reach the terminal (`capture-pane -e`), NO_COLOR,
/// Home/End under TERM=xterm-256color, and `y` into tmux's paste buffer.
@Suite(.serialized) struct ColourEndToEndTests {
    typealias Tmux = TUIEndToEndTests.Tmux

    /// The pane with its SGR escape sequences.
    func coloured(_ tmux: Tmux) throws -> [String] { try tmux.coloured() }

    static let colourCodes = ["38;5;", "48;5;", "38;2;", "48;2;"]

    @Test(.enabled(if: TUIEndToEndTests.tmuxAvailable, "tmux is not installed (CI installs it)"))
    func darkThemeColoursTheSelectionHeadersAndBadges() throws {
        let box = try Sandbox()
        let tmux = Tmux()
        try tmux.startDemo(box, width: 120, height: 40)
        try tmux.openContacts()
        let lines = try coloured(tmux)
        let selected = try #require(lines.first { $0.contains("Olivia Kim") })
        // The selection's background (#5fafd7 → xterm 74) spans the row; the cursor cell has its own (#ffd75f → 221).
        #expect(selected.contains("48;5;74m"), "\(selected.debugDescription)")
        #expect(selected.contains("48;5;221m"), "\(selected.debugDescription)")
        let header = try #require(lines.first { $0.contains("CONTACT_ID") })
        #expect(header.contains("38;5;75m"), "headers in #5fafff: \(header.debugDescription)")
        // A badge in the composer: the decision's colours.
        try tmux.keys("p")
        _ = try tmux.waitFor("native response")
        let composer = try coloured(tmux).joined(separator: "\n")
        #expect(composer.contains("48;5;"), "badges have a background")
        try tmux.keys("Escape")
        try tmux.quit()
    }

    @Test(.enabled(if: TUIEndToEndTests.tmuxAvailable, "tmux is not installed (CI installs it)"))
    func noColorSendsAttributesOnly() throws {
        let box = try Sandbox()
        let tmux = Tmux()
        try tmux.startDemo(box, env: "NO_COLOR=1", width: 120, height: 40)
        try tmux.openContacts()
        let lines = try coloured(tmux)
        let all = lines.joined(separator: "\n")
        for code in Self.colourCodes { #expect(!all.contains(code), "NO_COLOR sent \(code)") }
        for basic in (30...37).map({ "\u{1B}[\($0)m" }) + (40...47).map({ "\u{1B}[\($0)m" }) {
            #expect(!all.contains(basic))
        }
        // The selection is still visible: reverse video.
        let selected = try #require(lines.first { $0.contains("Olivia Kim") })
        #expect(selected.contains("\u{1B}[7m") || selected.contains(";7m"), "\(selected.debugDescription)")
        try tmux.quit()
    }

    @Test(.enabled(if: TUIEndToEndTests.tmuxAvailable, "tmux is not installed (CI installs it)"))
    func homeEndAndCopyWorkUnderTmuxWithAnXtermTerm() throws {
        let box = try Sandbox()
        let tmux = Tmux()
        try tmux.startDemo(box, width: 120, height: 40)
        try tmux.openContacts()
        try tmux.keys("End")
        _ = try tmux.waitFor("419/419")
        try tmux.keys("Home")
        _ = try tmux.waitFor("1/419")
        // y in a record: the value under the cursor goes to tmux's paste buffer.
        try tmux.keys("Enter")
        _ = try tmux.waitFor("email: \"olivia.kim0@mail.example\"")
        try tmux.keys("/")
        try tmux.keys("-l", "email")
        try tmux.keys("Enter")
        _ = try tmux.waitFor("match 1/1: $.email")
        try tmux.keys("y")
        _ = try tmux.waitFor("to the tmux paste buffer")
        #expect(try tmux.run(["show-buffer"]) == "olivia.kim0@mail.example")
        // :export from the grid, checked on disk.
        try tmux.keys("Escape")
        _ = try tmux.waitFor("1/419 · name")
        try tmux.keys("/")
        try tmux.keys("-l", "$.score > 97")
        try tmux.keys("Enter")
        _ = try tmux.waitFor("4 records match $.score > 97")
        let out = box.url.appendingPathComponent("top.csv").path
        try tmux.keys(":")
        try tmux.keys("-l", "export \(out)")
        try tmux.keys("Enter")
        _ = try tmux.waitFor("exported 4 rows")
        #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 5)
        try tmux.quit()
    }
}
