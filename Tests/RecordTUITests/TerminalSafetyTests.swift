import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
import Testing

@Suite struct TerminalSafetyTests {
    @Test func hostileValuesShowAsPlaceholdersAndStayAligned() throws {
        let h = try Harness(width: 100, height: 12)
        h.press(":contacts<enter>G")
        let screen = h.screen()
        for line in screen {
            #expect(
                !line.unicodeScalars.contains {
                    $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) || $0.value == 0x202E
                })
            #expect(DisplayWidth.of(line) == 102, "misaligned: \(line)")
        }
        let text = screen.joined(separator: "\n")
        #expect(text.contains("Evil␛]0;pwned␇␛[31m"))
        #expect(text.contains("Bidi <U+202E>gnp.exe"))
        #expect(text.contains("王小明 Wang Xiaoming"))
        #expect(text.contains("Zoë 🚀 Rocket"))
        // The CONTACT_ID column starts at the same display column on every row, wide characters or not.
        let columns = screen.compactMap { line -> Int? in
            guard let r = line.range(of: " T000") else { return nil }
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

    @Test(arguments: [
        ("a\u{1B}[2Jb", "a␛[2Jb"), ("t\u{9B}x", "t<U+9B>x"), ("\u{7F}", "␡"), ("o\u{202E}k", "o<U+202E>k"),
        ("n\u{0A}l", "n␊l"),
    ])
    func safeTextPlaceholders(input: String, shown: String) {
        #expect(SafeText.visible(input) == shown)
    }

    @Test func fitAndPadUseDisplayWidth() {
        #expect(TextLayout.pad("王小明", 5) == "王小…")
        #expect(DisplayWidth.of(TextLayout.pad("🚀🚀🚀", 5)) == 5)
        #expect(TextLayout.pad("ab", 4, right: true) == "  ab")
    }
}

/// `scripts/terminal-corpus.jsonl` (C0/C1, DEL, CSI, OSC 0/2/8/52, bidi overrides, zero-width joiners,
/// combining marks, wide characters) shown in every view: no control or override reaches a cell, every
/// row is exactly the screen's width, and the placeholders are there to see.
@Suite struct HostileCorpusTests {
    static let corpusFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/terminal-corpus.jsonl")

    /// A value whose keys, name and type name are hostile too.
    static let hostileType = #"{"key":"hostile","name":"Hostile \u001b]0;type-title\u0007 type","kind":"custom"}"#

    static func harness(width: Int, height: Int) throws -> Harness {
        try Harness(width: width, height: height) { store in
            let lines = try String(contentsOf: corpusFile, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 12)
            let items = try lines.enumerated().map { n, line in
                ImportItem(
                    request: NativeRequest.result(type: "contacts", body: try JSONValue.parse(String(line))), body: nil,
                    label: "line \(n + 1)")
            }
            _ = try store.importBatch(items, type: "contacts", source: WriteSource("corpus"))
            try store.applyType(ObjectType(json: JSONValue.parse(hostileType)))
            var hostile = UpsertRequest(type: "hostile")
            hostile.name = .set("\u{1B}]2;record-title\u{7} record")
            hostile.data = [
                "k\u{1B}[31m\u{202E}ey": "\u{1B}]52;c;cHduZWQ=\u{7}",
                "n": ["\u{9B}1m": ["\u{200D}": "x\u{301}\u{301}\u{301}\u{301}"]],
            ]
            _ = try store.upsert(hostile, source: WriteSource("corpus"))
            // A parked conflict whose request is hostile: an archived H13, imported over in prompt mode.
            let h13: JSONValue = [
                "lookup": ["identifier": "contact_id"], "data": ["contact_id": "H13", "title": "safe"],
            ]
            let created = try store.upsert(
                try NativeRequest.decode(type: "contacts", body: h13), source: WriteSource("corpus"))
            _ = try store.archive(type: "contacts", id: try #require(created.record?.id), source: WriteSource("corpus"))
            let over: JSONValue = [
                "lookup": ["identifier": "contact_id"],
                "data": ["contact_id": "H13", "title": "\u{1B}]0;conflict-title\u{7}"],
            ]
            _ = try store.importBatch(
                [ImportItem(request: NativeRequest.result(type: "contacts", body: over), body: over, label: "x")],
                type: "contacts", source: WriteSource("corpus"))
        }
    }

    /// Checks one screen; returns its text.
    @discardableResult
    static func check(_ h: Harness, _ view: String) -> String {
        let screen = h.screen()
        for (n, line) in screen.enumerated() {
            let bad = line.unicodeScalars.first { s in
                let v = s.value
                return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                    || (0x2066...0x2069).contains(v)
                    || v == 0x200D || v == 0x200B || v == 0xFE0F || s.properties.generalCategory == .format
            }
            #expect(bad == nil, "\(view), row \(n): U+\(String(bad?.value ?? 0, radix: 16)) in \(line)")
            #expect(
                DisplayWidth.of(line) == h.width + 2,
                "\(view), row \(n) is \(DisplayWidth.of(line) - 2) columns: \(line)")
        }
        return screen.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [(100, 30), (60, 16)])
    func everyViewShowsPlaceholdersAndStaysAligned(width: Int, height: Int) throws {
        let h = try Self.harness(width: width, height: height)
        var seen = ""
        /// Presses `keys`, then checks the screen they lead to.
        func visit(_ keys: String, _ view: String) { seen += Self.check(h.press(keys), view) }
        visit("", "types")
        visit(":contacts<enter>/H<enter>", "records")
        for _ in 0..<12 {
            visit("<enter>", "record")
            visit("r", "revisions")
            visit("<esc>e", "edit")
            visit("<esc>P", "composer")
            h.press("<esc>j")
        }
        h.press("d2").runJobs()
        visit("", "duplicates")
        visit("<enter>", "merge")
        for _ in 0..<12 { visit("l", "merge column") }
        visit("<esc><esc>:conflicts<enter>", "conflicts")
        visit("<enter>", "resolver")
        for _ in 0..<3 { visit("n", "resolver") }
        visit("<esc><esc>:hostile<enter>", "hostile records")
        visit("<enter>", "hostile record")
        visit("+", "hostile record unfolded")
        visit("?", "help")
        try? seen.write(
            toFile: NSTemporaryDirectory() + "/recdeck-corpus-\(width).txt", atomically: true, encoding: .utf8)
        if width >= 100 {
            for placeholder in [
                "␛]0;pwned-title␇", "␛]52;c;cHduZWQ=␇", "<U+9B>31m", "invoice<U+202E>gnp.exe", "👩<U+200D>💻", "␡␡",
                "␛]8;;https://evil.example/␛\\click me", "Hostile ␛]0;typ", "Zoé", #"\u001b]0;conflict-title\u0007"#,
                "␛]2;record-title␇ record", "k␛[31m<U+202E>ey",
            ] {
                #expect(
                    seen.contains(placeholder),
                    "never shown: \(placeholder) (screens in $TMPDIR/recdeck-corpus-\(width).txt)")
            }
        }
    }

    @Test func safeTextCorpusRules() {
        #expect(SafeText.visible("a\u{200D}b") == "a<U+200D>b")
        #expect(SafeText.visible("❤\u{FE0F}") == "❤")
        #expect(SafeText.visible("e\u{301}\u{302}\u{303}\u{304}") == "e\u{301}\u{302}")
        #expect(SafeText.visible("tag\u{E0041}") == "tag<U+E0041>")
        #expect(SafeText.visible("plain ascii") == "plain ascii")
        // Widths as wcwidth counts them: a flag is two 1-column letters, a skin tone its own 2 columns.
        #expect(DisplayWidth.of("🇺🇸") == 2)
        #expect(DisplayWidth.of("👍🏽") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
    }
}
