import Foundation
import TerminalScreen
import TestSupport
import Testing

@testable import RecDeckCommands

@Suite struct ThemeTests {
    static var themesFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("themes")
    }

    @Test func builtInThemesAllParse() throws {
        let (themes, problems) = ThemeLoader.loadAll(folders: [Self.themesFolder])
        #expect(problems.isEmpty, "\(problems)")
        #expect(Set(themes.keys) == ["dark", "light", "high-contrast", "mono"])
        #expect(themes["dark"]?.spec(.selected).bg == .rgb(0x5F, 0xAF, 0xD7))
        #expect(themes["high-contrast"]?.spec(.error).fg == .index(9))
    }

    /// The themes are built into the binary: with no folder at all (a binary copied away from its build
    /// folder), every theme is there, the same as the files, and dark is the default. Before, such a binary
    /// found no theme and drew everything in mono without a word.
    @Test func builtInThemesNeedNoFolder() throws {
        let (embedded, problems) = ThemeLoader.loadAll(folders: [])
        let (files, _) = ThemeLoader.loadAll(folders: [Self.themesFolder], builtIn: false)
        #expect(problems.isEmpty, "\(problems)")
        #expect(Set(embedded.keys) == ["dark", "light", "high-contrast", "mono"])
        for (name, theme) in files {
            let same = embedded[name].map { t in StyleRole.allCases.allSatisfy { t.spec($0) == theme.spec($0) } }
            #expect(same == true, "\(name)")
        }
        let chosen = ThemeLoader.select(requested: nil, environment: [:], folders: nil)
        #expect(chosen.theme.name == "dark" && chosen.messages.isEmpty)
    }

    @Test(arguments: [
        ("name = \"x\"\n[styles]\nselected = { fg = \"purpleish\" }\n", 3, "selected.fg: bad colour"),
        ("name = \"x\"\n[styles]\n\nsparkles = { bold = true }\n", 4, "unknown style \"sparkles\""),
        ("name = \"x\"\n[styles]\nerror = { bold = \"yes\" }\n", 3, "error.bold must be true or false"),
        ("name = \"x\"\n[styles]\nerror = { blink = true }\n", 3, "unknown attribute \"blink\""),
        ("name = \"x\"\ncolour = 1\n", 2, "unknown key \"colour\""),
        ("name = \"x\"\n[styles\n", 2, "expected ']'"),
    ])
    func badThemeFilesNameFileAndLine(text: String, line: Int, reason: String) {
        let result = Result { () throws(ThemeLoader.Problem) -> Theme in
            try ThemeLoader.parse(text, file: "my.toml", name: "x")
        }
        guard case .failure(let p) = result else { Issue.record("accepted a bad theme"); return }
        #expect(p.description.hasPrefix("my.toml:\(line): "), "\(p)")
        #expect(p.description.contains(reason), "\(p)")
    }

    @Test func badUserThemeFallsBackToTheDefaultWithAMessage() throws {
        let folder = try TemporaryFolder("themes")
        let user = folder.url
        try "name = \"neon\"\n[styles]\ntitle = { fg = \"#zzzzzz\" }\n".write(
            to: user.appendingPathComponent("neon.toml"), atomically: true, encoding: .utf8)
        try "name = \"calm\"\n[styles]\ntitle = { fg = 24, bold = true }\n".write(
            to: user.appendingPathComponent("calm.toml"), atomically: true, encoding: .utf8)
        let bad = ThemeLoader.select(requested: "neon", environment: [:], folders: [Self.themesFolder, user])
        #expect(bad.theme.name == "dark")
        #expect(
            bad.messages.contains {
                $0.hasSuffix(
                    "neon.toml:3: title.fg: bad colour #zzzzzz; use default, a name (red, bright-red), 0-255 or \"#rrggbb\""
                )
            })
        let good = ThemeLoader.select(requested: "calm", environment: [:], folders: [Self.themesFolder, user])
        #expect(good.theme.name == "calm")
        #expect(good.theme.spec(.title).fg == .index(24))
    }

    @Test func noColorSelectsMonoUnlessAThemeIsGiven() {
        #expect(
            ThemeLoader.select(requested: nil, environment: ["NO_COLOR": "1"], folders: [Self.themesFolder]).theme.name
                == "mono")
        #expect(ThemeLoader.select(requested: nil, environment: [:], folders: [Self.themesFolder]).theme.name == "dark")
        #expect(
            ThemeLoader.select(requested: "light", environment: ["NO_COLOR": "1"], folders: [Self.themesFolder]).theme
                .name == "light")
    }

    @Test func coloursDegradeOnSmallerPalettes() throws {
        let teal = try #require(ThemeColor(name: "#5fafd7"))
        #expect(teal.resolved(colors: 256) == 74)
        #expect((0..<16).contains(teal.resolved(colors: 16)))
        #expect(teal.resolved(colors: 8) == 6)  // cyan
        #expect(ThemeColor(name: "bright-red")!.resolved(colors: 8) == 1)
        #expect(ThemeColor(name: "196")!.resolved(colors: 8) == 1)
        #expect(ThemeColor(name: "#ff0000")!.resolved(colors: 256) == 196)
        #expect(ThemeColor(name: "red")!.resolved(colors: 0) == -1)
        #expect(ThemeColor.default.resolved(colors: 256) == -1)
        #expect(ThemeColor(name: "#12345") == nil)
        #expect(ThemeColor(name: "256") == nil)
    }
}
