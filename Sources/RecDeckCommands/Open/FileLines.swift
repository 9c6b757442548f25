import Foundation
import RecordCore

/// Where each line of a JSONL file starts and ends, found by scanning the file for newlines (no JSON is
/// parsed): the grid pages through a file being opened before its import reaches the end, parsing only the
/// lines on screen (DESIGN §6 "Open a file directly"; README › Opening a file). Blank lines are left out,
/// as the import skips them. The scan runs in chunks, on any thread; readers see the lines found so far.
public final class FileLines: @unchecked Sendable {
    public let path: String
    private let handle: FileHandle
    private let lock = NSLock()
    /// Each line's first byte, its length (without the newline) and its number in the file (1-based, blank
    /// lines counted, as the import names lines), found so far.
    private var starts: [Int] = []
    private var lengths: [Int32] = []
    private var numbers: [Int32] = []
    /// Lines seen by the scan, blank ones included.
    private var lineNumber: Int32 = 0
    /// The scan's place: the line being read since the last newline starts at file offset `pendingStart`;
    /// `pendingLength` bytes of it read so far, all spaces while `pendingBlank` (its bytes are not kept, so a
    /// line of any length costs no memory).
    private var scanned = 0
    private var pendingStart = 0
    private var pendingLength = 0
    private var pendingBlank = true
    private var done = false
    /// When the scan reached the end (`DispatchTime` nanoseconds).
    private var finishedAt: UInt64?
    /// Bytes read per scan step.
    let chunkSize: Int

    /// Opens `path` for scanning; nothing is read yet.
    public init(path: String, chunkSize: Int = 4 << 20) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot open \(path)") }
        self.path = path; handle = h; self.chunkSize = chunkSize
    }

    deinit { try? handle.close() }

    /// The lines found so far.
    public var count: Int { lock.withLock { starts.count } }
    /// True once every line is known.
    public var isComplete: Bool { lock.withLock { done } }
    /// When the scan finished, as `DispatchTime.now().uptimeNanoseconds` then.
    public var completedAt: UInt64? { lock.withLock { finishedAt } }

    /// Scans the next chunk; false once the whole file has been scanned.
    @discardableResult
    public func scanNext() throws -> Bool {
        if isComplete { return false }
        let chunk = try handle.read(upToCount: chunkSize) ?? Data()
        var found: [(Int, Int32, Int32)] = []
        if !chunk.isEmpty {
            chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in found = split(raw.bindMemory(to: UInt8.self)) }
            scanned += chunk.count
        }
        // A short read is the end of a regular file (FileHandle reads until the count or the end); the last
        // line may have no newline.
        let atEnd = chunk.count < chunkSize
        if atEnd, pendingLength > 0, let place = endLine() { found.append(place) }
        lock.withLock {
            for (start, length, number) in found {
                starts.append(start)
                lengths.append(length)
                numbers.append(number)
            }
            if atEnd {
                done = true
                finishedAt = DispatchTime.now().uptimeNanoseconds
            }
        }
        return !atEnd
    }

    /// Scans to the end of the file (the background thread of an opened file); a read error leaves the lines
    /// `failed`, no longer to be browsed.
    public func scanToEnd() {
        do { while try scanNext() {} } catch { lock.withLock { scanFailed = true } }
    }

    /// True when the scan could not read the file to its end.
    public var failed: Bool { lock.withLock { scanFailed } }
    private var scanFailed = false

    /// The lines of one chunk (the bytes from file offset `scanned`) that end in it; the line its last
    /// newline starts goes on in the next chunk.
    private func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [(Int, Int32, Int32)] {
        var found: [(Int, Int32, Int32)] = []
        guard let base = bytes.baseAddress else { return found }
        var from = 0
        while from < bytes.count {
            let newline = memchr(base + from, 0x0A, bytes.count - from)
            let end = newline.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? bytes.count
            pendingLength += end - from
            if pendingBlank { pendingBlank = bytes[from..<end].allSatisfy(ImportReader.isSpace) }
            guard newline != nil else { break }
            if let place = endLine() { found.append(place) }
            from = end + 1
            pendingStart = scanned + from
        }
        return found
    }

    /// Ends the line being read: its file offset, length and number, unless it holds only spaces (the
    /// import skips those too).
    private func endLine() -> (Int, Int32, Int32)? {
        lineNumber += 1
        defer { pendingLength = 0; pendingBlank = true }
        return pendingBlank ? nil : (pendingStart, Int32(clamping: pendingLength), lineNumber)
    }

    /// The text of lines `range` (positions among the non-blank lines found, clamped), each with its position
    /// and its line number; nil for a line over the import's 1 MiB limit (not read).
    public func lines(_ range: Range<Int>) throws -> [(index: Int, number: Int, bytes: [UInt8]?)] {
        let places: [(Int, Int, Int32, Int32)] = lock.withLock {
            let r = range.clamped(to: 0..<starts.count)
            return r.map { ($0, starts[$0], lengths[$0], numbers[$0]) }
        }
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? reader.close() }
        func read(_ from: Int, _ to: Int) throws -> [UInt8] {
            try reader.seek(toOffset: UInt64(from))
            return [UInt8](try reader.read(upToCount: to - from) ?? Data())
        }
        let limit = Limits.maxBodyBytes
        guard let first = places.first, let last = places.last else { return [] }
        if places.allSatisfy({ Int($0.2) <= limit }) {
            // One read for the whole page: the lines lie in order in the file.
            let from = first.1
            let data = try read(from, last.1 + Int(last.2))
            return places.map { index, start, length, number in
                let a = min(data.count, start - from), b = min(data.count, a + Int(length))
                return (index, Int(number), Array(data[a..<b]))
            }
        }
        return try places.map { index, start, length, number in
            (index, Int(number), Int(length) > limit ? nil : try read(start, start + Int(length)))
        }
    }
}

extension FileLines {
    /// Up to `limit` lines after (or before) a keyset cursor, as rows of `type` in file order: each line's
    /// position is its `seq`, its JSON object its data, parsed now. A line the import will refuse shows
    /// why in the name column.
    public func page(type: String, from key: PageKey?, direction: PageDirection, limit: Int) throws
        -> [ListedRecord]
    {
        let range: Range<Int>
        switch (direction, key) {
        case (.forward, nil): range = 0..<limit
        case (.forward, let key?): range = Int(key.seq)..<Int(key.seq) + limit
        case (.backward, nil): range = max(0, count - limit)..<count
        case (.backward, let key?): range = max(0, Int(key.seq) - 1 - limit)..<max(0, Int(key.seq) - 1)
        }
        return try lines(range).map { index, number, bytes in
            var record = Record(id: "", type: type, createdAt: Date(timeIntervalSince1970: 0))
            let problem: String?
            if let bytes {
                do throws(JSONSyntaxError) {
                    let value = try JSONValue.parse(bytes[...])
                    problem = value.objectValue == nil ? "expected a data object, got \(value.typeName)" : nil
                    if problem == nil { record.data = value }
                } catch {
                    problem = error.message
                }
            } else {
                problem = "over the 1 MiB limit"
            }
            if let problem { record.name = "⚠ line \(number): \(problem)" }
            return ListedRecord(
                record: record, key: PageKey(seq: Int64(index + 1)), fileLine: number, problem: problem)
        }
    }
}
