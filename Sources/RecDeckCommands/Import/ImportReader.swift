import Foundation
import RecordCore
import RecordStore

/// Reads an import file as items: JSONL streamed line by line, a JSON array streamed element by element,
/// one JSON object, or CSV (a `.csv` file, streamed row by row). Each JSON element is a native request, or with `keyPath` a
/// plain data object looked up by that path; each CSV row is a plain data object (bulk imports read
/// the JSON elements as bulk request bodies).
struct ImportReader {
    let path: String
    let type: String
    let keyPath: JSONPath?
    let onArchivedMatch: ArchivedMatchMode?
    /// JSON elements are plain data objects even without `keyPath`.
    let plainData: Bool

    /// Bytes read from the file so far (ahead of what has been handed out).
    private(set) var bytesRead = 0
    /// Bytes handed out as items so far, for the progress bar.
    var bytesConsumed: Int {
        if let csv { return csv.bytesRead }
        return arrayItems == nil ? bytesRead - (buffer.count - position) : bytesRead
    }
    /// A JSON array read element by element: where the scan of the current element stands.
    private var array: ArrayScan?
    let fileSize: Int
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var line = 0
    private var arrayItems: [JSONValue]?
    private var eof = false
    private var csv: CSVRows?
    /// An error met while reading a batch, thrown when the next batch is asked for.
    private var deferredError: Error?

    /// True when the file is read line by line (JSONL): not CSV, not a JSON array, not one JSON object.
    var readsLines: Bool { csv == nil && array == nil && arrayItems == nil }

    /// True for files read as CSV: their name ends in `.csv`.
    static func isCSV(_ path: String) -> Bool { path.lowercased().hasSuffix(".csv") }

    /// Opens `path`; `schema` types CSV cells (see `CSVRows`).
    init(
        path: String, type: String, keyPath: JSONPath?, onArchivedMatch: ArchivedMatchMode?, schema: ObjectType? = nil,
        plainData: Bool = false
    ) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot open import file \(path)") }
        self.path = path; self.type = type; self.keyPath = keyPath; self.onArchivedMatch = onArchivedMatch
        self.plainData = plainData
        handle = h
        fileSize = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.intValue ?? 0)
        if Self.isCSV(path) {
            csv = try CSVRows(path: path, schema: schema)
            eof = true
            return
        }
        let head = Array(h.readData(ofLength: 1 << 20))
        bytesRead = head.count
        if let first = head.firstIndex(where: { !Self.isSpace($0) }),
            head[first] == UInt8(ascii: "[")
        {
            // Streamed: elements are cut out by their brackets and parsed one at a time.
            buffer = head
            position = first + 1
            array = ArrayScan(scanned: position)
        } else if head.count == fileSize, head.count <= Limits.maxBodyBytes, head.contains(0x0A),
            let whole = try? JSONValue.parse(Data(head)), whole.objectValue != nil
        {
            // A file holding one (pretty-printed) JSON object is one item.
            arrayItems = [whole]
            eof = true
        } else {
            buffer = head
        }
    }

    /// The next up-to-`count` items as native requests; empty at the end of the file.
    mutating func next(_ count: Int) throws -> [ImportItem] {
        try nextValues(count).map { label, value in
            switch value {
            case .success(let v): return item(v, label: label)
            case .failure(let e): return ImportItem(request: .failure(e), body: nil, label: label)
            }
        }
    }

    /// The next up-to-`count` JSON values with their labels ("line 12"); a line that is not JSON, or
    /// over 1 MiB, is a failure for that item alone.
    mutating func nextValues(_ count: Int) throws -> [(label: String, value: Result<JSONValue, RequestError>)] {
        if let deferredError {
            self.deferredError = nil
            throw deferredError
        }
        var out: [(String, Result<JSONValue, RequestError>)] = []
        out.reserveCapacity(count)
        while out.count < count {
            if let csv {
                // A CSV error ends the file: the rows read before it still go out as this batch.
                let row: (String, Result<JSONValue, RequestError>)?
                do { row = try csv.next() } catch {
                    if out.isEmpty { throw error }
                    deferredError = error
                    break
                }
                guard let row else { break }
                out.append(row)
                continue
            }
            if arrayItems != nil {
                guard let v = arrayItems!.popLast() else { break }
                line += 1
                out.append(("item \(line)", .success(v)))
                continue
            }
            let isArray = array != nil
            guard let next = isArray ? nextElement() : nextLine() else { break }
            line += 1
            let label = isArray ? "item \(line)" : "line \(line)"
            switch next {
            case .oversized:
                let what = isArray ? "item" : "line"
                out.append(
                    (label, .failure(RequestError(field: "body", "\(what) is over the 1 MiB limit", status: 413))))
            case .malformed(let why):
                out.append((label, .failure(RequestError(field: "body", why))))
            case .structure(let why):
                line -= 1
                out.append((line == 0 ? "the array" : "after item \(line)", .failure(RequestError(field: "body", why))))
            case .text(let raw):
                // A blank line is no item, but it keeps its number: labels are the lines an editor shows.
                if !isArray && raw.allSatisfy(Self.isSpace) { continue }
                do { out.append((label, .success(try JSONValue.parse(raw)))) } catch {
                    out.append((label, .failure(RequestError(field: "body", error.message))))
                }
            }
        }
        return out
    }

    private func item(_ value: JSONValue, label: String) -> ImportItem {
        var body = value
        if keyPath != nil || csv != nil || plainData {
            guard value.objectValue != nil else {
                return ImportItem(
                    request: .failure(RequestError(field: "body", "expected a data object, got \(value.typeName)")),
                    body: value, label: label)
            }
            // The request a native body {"data": …, "on_archived_match": …, "lookup": {"path": …}} decodes to,
            // made directly (decoding the body each line showed in the profile); the lookup path is parsed
            // once for the whole file. The body is kept for the conflict queue.
            var request = UpsertRequest(type: type)
            request.data = value
            var o: JSONObject = ["data": value]
            if let onArchivedMatch {
                request.onArchivedMatch = onArchivedMatch
                o["on_archived_match"] = .string(onArchivedMatch.rawValue)
            }
            if let keyPath {
                request.lookup = .path(keyPath, value: nil)
                o["lookup"] = ["path": .string(keyPath.description)]
            }
            return ImportItem(request: .success(request), body: .object(o), label: label)
        } else if let onArchivedMatch, var o = value.objectValue, o["on_archived_match"] == nil {
            o["on_archived_match"] = .string(onArchivedMatch.rawValue)
            body = .object(o)
        }
        let result = NativeRequest.result(type: type, body: body)
        return ImportItem(request: result, body: body, label: label)
    }

    /// A line or array element of the file, the fact that it was longer than the body limit (its bytes
    /// skipped), or what is wrong with the array around it.
    private enum Line {
        case text(ArraySlice<UInt8>)
        case oversized
        case malformed(String)
        /// Wrong around the elements (the file ends inside the array, text after it): not an item.
        case structure(String)
    }

    /// How far a JSON array's current element has been scanned: nesting, strings, and whether it is over
    /// the limit (then its bytes are dropped as they are scanned).
    private struct ArrayScan {
        var scanned: Int
        var depth = 0
        var inString = false
        var escaped = false
        var oversized = false
        var elements = 0
        var done = false
        var trailingChecked = false
    }

    /// The next element of a streamed JSON array, cut at the comma or bracket that closes it at the
    /// array's own level; nil after the closing bracket (and the whitespace after it). Memory stays
    /// bounded as in `nextLine`.
    private mutating func nextElement() -> Line? {
        guard var scan = array else { return nil }
        defer { array = scan }
        if scan.done {
            // After the closing bracket: only whitespace may follow, checked once.
            guard !scan.trailingChecked else { return nil }
            scan.trailingChecked = true
            return trailingContent()
        }
        while true {
            var i = scan.scanned
            while i < buffer.count {
                let b = buffer[i]
                if scan.inString {
                    if scan.escaped {
                        scan.escaped = false
                    } else if b == 0x5C {
                        scan.escaped = true
                    } else if b == 0x22 {
                        scan.inString = false
                    }
                    i += 1
                    continue
                }
                let level = scan.depth
                switch b {
                case 0x22: scan.inString = true
                case 0x5B, 0x7B: scan.depth += 1
                case 0x5D where level > 0, 0x7D where level > 0: scan.depth -= 1
                case 0x2C where level == 0, 0x5D where level == 0, 0x7D where level == 0:
                    // At the array's own level: a comma ends an element, `]` ends the array.
                    let element = buffer[position..<i]
                    let closes = b != 0x2C
                    position = i + 1
                    scan.scanned = position
                    if b == 0x7D { scan.done = true; return .malformed("unexpected '}' closing the array") }
                    let blank = element.allSatisfy(Self.isSpace)
                    if closes {
                        scan.done = true
                        if blank && scan.elements == 0 && !scan.oversized {
                            scan.trailingChecked = true
                            return trailingContent()
                        }
                    }
                    if scan.oversized { scan.oversized = false; scan.elements += 1; return .oversized }
                    if blank {
                        return .malformed(closes ? "a trailing comma before ']'" : "an empty item between two commas")
                    }
                    scan.elements += 1
                    return .text(element)
                default: break
                }
                i += 1
            }
            scan.scanned = i
            if eof {
                scan.done = true
                scan.trailingChecked = true
                return .structure("the file ends inside the array (no closing ']')")
            }
            if buffer.count - position > Limits.maxBodyBytes {
                scan.oversized = true
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.removeSubrange(..<position)
            }
            scan.scanned -= position
            if scan.oversized { scan.scanned = 0 }
            position = 0
            readChunk()
        }
    }

    /// After the closing bracket: nil when only whitespace follows, else what is wrong.
    private mutating func trailingContent() -> Line? {
        while true {
            if buffer[position...].contains(where: { !Self.isSpace($0) }) {
                position = buffer.count
                return .structure("unexpected content after the array's closing ']'")
            }
            position = buffer.count
            if eof { return nil }
            buffer.removeAll(keepingCapacity: true)
            position = 0
            readChunk()
        }
    }

    /// The next line. Memory stays bounded: a line over 1 MiB is skipped up to its newline without
    /// being kept, and each byte is scanned for a newline once.
    private mutating func nextLine() -> Line? {
        var scanned = position
        var oversized = false
        while true {
            if let nl = buffer[scanned...].firstIndex(of: 0x0A) {
                let l = buffer[position..<nl]
                position = nl + 1
                return oversized || l.count > Limits.maxBodyBytes ? .oversized : .text(l)
            }
            if eof {
                guard position < buffer.count || oversized else { return nil }
                let l = buffer[position...]
                position = buffer.count
                return oversized || l.count > Limits.maxBodyBytes ? .oversized : .text(l)
            }
            if buffer.count - position > Limits.maxBodyBytes {
                // Too long already: drop what is buffered and keep looking for the line's end.
                oversized = true
                buffer.removeAll(keepingCapacity: true)
            } else {
                // Keep the unread tail, then read the next chunk.
                buffer.removeSubrange(..<position)
            }
            position = 0
            scanned = buffer.count
            readChunk()
        }
    }

    /// Appends the file's next chunk (1 MiB) to the buffer, or notes the end of the file.
    private mutating func readChunk() {
        let chunk = handle.readData(ofLength: 1 << 20)
        if chunk.isEmpty { eof = true } else { bytesRead += chunk.count; buffer += chunk }
    }

    /// JSON whitespace.
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
