import Foundation
import RecordCore
import Testing

@testable import RecDeckCommands

/// The newline scan that lets an opened JSONL file be browsed before its import reaches the end.
@Suite struct FileLinesTests {
    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString).jsonl")
            .path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let text = "{\"n\":1}\n\n  \n{\"n\":2}\r\n{\"n\":\"three\"}\n{\"n\":4}"

    /// Every chunk size, down to one byte, finds the same lines: a line split across chunks, blank lines
    /// (counted, not listed), a CRLF line, and a last line without a newline.
    @Test(arguments: [1, 2, 3, 7, 16, 4 << 20])
    func linesAreFoundWhateverTheChunkSize(chunk: Int) throws {
        let path = try Self.file(Self.text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = try FileLines(path: path, chunkSize: chunk)
        #expect(!lines.isComplete)
        lines.scanToEnd()
        #expect(lines.isComplete && !lines.failed && lines.completedAt != nil)
        let found = try lines.lines(0..<10)
        #expect(found.map(\.number) == [1, 4, 5, 6])
        #expect(
            found.map { String(decoding: $0.bytes ?? [], as: UTF8.self) } == [
                "{\"n\":1}", "{\"n\":2}\r", "{\"n\":\"three\"}", "{\"n\":4}",
            ])
    }

    @Test func pagesGoBothWaysFromAKeysetCursor() throws {
        let path = try Self.file((1...10).map { "{\"n\":\($0)}" }.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = try FileLines(path: path)
        lines.scanToEnd()
        func ns(_ page: [ListedRecord]) -> [Int] { page.compactMap { $0.record.data["n"]?.intValue.map(Int.init) } }
        let first = try lines.page(type: "t", from: nil, direction: .forward, limit: 4)
        #expect(ns(first) == [1, 2, 3, 4] && first.map(\.fileLine) == [1, 2, 3, 4])
        let next = try lines.page(type: "t", from: first.last?.key, direction: .forward, limit: 4)
        #expect(ns(next) == [5, 6, 7, 8])
        let back = try lines.page(type: "t", from: next.first?.key, direction: .backward, limit: 3)
        #expect(ns(back) == [2, 3, 4])
        let last = try lines.page(type: "t", from: nil, direction: .backward, limit: 4)
        #expect(ns(last) == [7, 8, 9, 10])
        #expect(try lines.page(type: "t", from: last.last?.key, direction: .forward, limit: 4).isEmpty)
        #expect(try lines.page(type: "t", from: first.first?.key, direction: .backward, limit: 4).isEmpty)
    }

    /// A line over the import's 1 MiB limit is found without being kept (the scan holds no line's bytes) and
    /// shown as what the import will refuse; the lines around it read as usual.
    @Test func aLineOverTheLimitIsNamedNotRead() throws {
        let long = String(repeating: "x", count: Limits.maxBodyBytes + 10)
        let path = try Self.file("{\"n\":1}\n\(long)\n{\"n\":3}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = try FileLines(path: path, chunkSize: 64 << 10)
        lines.scanToEnd()
        let found = try lines.lines(0..<3)
        #expect(found.map(\.number) == [1, 2, 3])
        #expect(found[1].bytes == nil && found[0].bytes != nil && found[2].bytes != nil)
        let page = try lines.page(type: "t", from: nil, direction: .forward, limit: 3)
        #expect(page.map(\.problem) == [nil, "over the 1 MiB limit", nil])
        #expect(page[1].record.name == "⚠ line 2: over the 1 MiB limit")
        #expect(page[2].record.data["n"] == .int(3))
    }
}
