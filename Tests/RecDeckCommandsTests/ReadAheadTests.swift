import Foundation
import RecordCore
import RecordStore
import TestSupport
import Testing

@testable import RecDeckCommands

/// The import's read-ahead thread (issue 17): batches come out whole and in file order, then the reader's
/// error, then the end; dropping it part-way stops its thread.
@Suite struct ReadAheadTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder("readahead") }

    func reader(_ name: String, _ text: String) throws -> ImportReader {
        try reader(name, Array(text.utf8))
    }

    func reader(_ name: String, _ bytes: [UInt8]) throws -> ImportReader {
        let file = folder.url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return try ImportReader(
            path: file, type: "contacts", keyPath: try JSONPath(parsing: "$.email"), onArchivedMatch: nil)
    }

    @Test(arguments: [1, 2, 5])
    func batchesComeInFileOrderThenTheEnd(depth: Int) throws {
        let text = (1...25).map { "{\"email\":\"u\($0)@x.io\"}\n" }.joined()
        let ahead = ReadAhead(try reader("people.jsonl", text), batchSize: 10, depth: depth)
        var labels: [String] = []
        var consumed: [Int] = []
        while let batch = try ahead.next() {
            labels += batch.items.map(\.label)
            consumed.append(batch.bytesConsumed)
        }
        #expect(labels == (1...25).map { "line \($0)" })
        #expect(consumed.count == 3 && consumed == consumed.sorted() && consumed.last == text.utf8.count)
        #expect(try ahead.next() == nil)
    }

    @Test func theReadersErrorFollowsTheRowsBeforeIt() throws {
        // Row 13 ends in the byte FF (not UTF-8), which ends the CSV: the twelve rows before it arrive, then
        // the error, then the end.
        let rows = (1...12).map { "u\($0)@x.io,\($0)\n" }.joined()
        let bytes = Array("email,n\n\(rows)u13@x.io,13".utf8) + [0xFF, 0x0A] + Array("u14@x.io,14\n".utf8)
        let ahead = ReadAhead(try reader("people.csv", bytes), batchSize: 5, depth: 2)
        var labels: [String] = []
        var failure: Error?
        do { while let batch = try ahead.next() { labels += batch.items.map(\.label) } } catch { failure = error }
        #expect(labels == (1...12).map { "row \($0)" })
        #expect("\(failure.map { "\($0)" } ?? "")".contains("row 13 is not valid UTF-8"))
        #expect(try ahead.next() == nil)
    }
}
