import Foundation
import Testing
import RecordCore
import RecordTUI
import TerminalScreen

@Suite struct TerminalSafetyTests {
    @Test func hostileValuesShowAsPlaceholdersAndStayAligned() throws {
        let h = try Harness(width: 100, height: 12)
        h.press(":contacts<enter>G")
        let screen = h.screen()
        for line in screen {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) || $0.value == 0x202E })
            #expect(DisplayWidth.of(line) == 102, "misaligned: \(line)")
        }
        let text = screen.joined(separator: "\n")
        #expect(text.contains("Evil␛]0;pwned␇␛[31m"))
        #expect(text.contains("Bidi <U+202E>gnp.exe"))
        #expect(text.contains("王小明 Wang Xiaoming"))
        #expect(text.contains("Zoë 🚀 Rocket"))
        // The UPDATED column starts at the same display column on every row, wide characters or not.
        let columns = screen.compactMap { line -> Int? in
            guard let r = line.range(of: "2026-09-21") else { return nil }
            return DisplayWidth.of(String(line[..<r.lowerBound]))
        }
        #expect(columns.count >= 4)
        #expect(Set(columns).count == 1)
    }

    @Test func wideCharactersAreClippedWhole() {
        var b = ScreenBuffer(width: 5, height: 1)
        b.put("ab王小", row: 0, column: 0)
        #expect(b.framedLines() == ["|ab王 |"])
        b.put("x", row: 0, column: 3)  // overwrites the second half of 王
        #expect(b.framedLines() == ["|ab x |"])
    }

    @Test(arguments: [("a\u{1B}[2Jb", "a␛[2Jb"), ("t\u{9B}x", "t<U+9B>x"), ("\u{7F}", "␡"), ("o\u{202E}k", "o<U+202E>k"), ("n\u{0A}l", "n␊l")])
    func safeTextPlaceholders(input: String, shown: String) {
        #expect(SafeText.visible(input) == shown)
    }

    @Test func fitAndPadUseDisplayWidth() {
        #expect(TextLayout.pad("王小明", 5) == "王小…")
        #expect(DisplayWidth.of(TextLayout.pad("🚀🚀🚀", 5)) == 5)
        #expect(TextLayout.pad("ab", 4, right: true) == "  ab")
    }
}
