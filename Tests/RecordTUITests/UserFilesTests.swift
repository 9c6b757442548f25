import Foundation
import RecordTUI
import TestSupport
import Testing

@testable import RecDeckCommands

/// views.toml and config.toml: written, read back, and bad files named by `file:line`.
@Suite struct UserFilesTests {
    /// Each test's folder lives as long as the suite value (one per test).
    let temporary: TemporaryFolder

    init() throws { temporary = try TemporaryFolder("config") }

    func folder() throws -> URL { temporary.url }

    @Test func viewsFileSavesColumnsPerTypeAndReadsThemBack() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("nested/views.toml")
        let views = ViewsFile(url: url)
        #expect(views.columns(for: "contacts") == nil)
        try views.saveColumns(["name", "$.email", "$['odd key']"], for: "contacts")
        try views.saveColumns(["name", "updated"], for: "companies")
        let again = ViewsFile(url: url)
        #expect(again.problem == nil)
        #expect(again.columns(for: "contacts") == ["name", "$.email", "$['odd key']"])
        #expect(again.columns(for: "companies") == ["name", "updated"])
    }

    @Test func aBadViewsFileIsNamedAndIgnored() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("views.toml")
        try "[contacts]\ncolumns = [\"name\",\n".write(to: url, atomically: true, encoding: .utf8)
        let views = ViewsFile(url: url)
        #expect(views.problem?.hasPrefix(url.path + ":") == true, "\(views.problem ?? "")")
        #expect(views.columns(for: "contacts") == nil)
    }

    @Test func configTurnsOSC52OnAndNamesBadLines() throws {
        #expect(try UserConfig.parse("[clipboard]\nosc52 = true\n", file: "c.toml") == UserConfig(osc52: true))
        #expect(try UserConfig.parse("", file: "c.toml") == UserConfig(osc52: false))
        #expect(throws: UserConfig.Problem.self) {
            try UserConfig.parse("[clipboard]\nosc52 = \"yes\"\n", file: "c.toml")
        }
        do { _ = try UserConfig.parse("\n[clipboard]\nosc53 = true\n", file: "c.toml") } catch {
            #expect(error.description == "c.toml:3: unknown clipboard setting \"osc53\"; known: osc52")
        }
    }

    @Test func theClipboardRefusesWithoutTmuxOrOSC52() {
        let clipboard = TerminalClipboard(environment: [:], osc52: false)
        guard case .failure(let e) = clipboard.copy("secret") else {
            Issue.record("copied without tmux or OSC 52"); return
        }
        #expect(e.message.contains("OSC 52 is off"))
    }
}
