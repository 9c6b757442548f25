import Foundation
import RecordCore
import RecordStore

/// Reads an import file as items: JSONL streamed line by line, a JSON array, one JSON object, or CSV
/// (a `.csv` file, streamed row by row). Each JSON element is a native request, or with `keyPath` a
/// plain data object looked up by that path; each CSV row is a plain data object (bulk imports read
/// the JSON elements as bulk request bodies).
struct ImportReader {
    let path: String
    let type: String
    let keyPath: JSONPath?
    let onArchivedMatch: ArchivedMatchMode?

    /// Bytes read from the file so far (ahead of what has been handed out).
    private(set) var bytesRead = 0
    /// Bytes handed out as items so far, for the progress bar.
    var bytesConsumed: Int {
        if let csv { return csv.bytesRead }
        return arrayItems == nil ? bytesRead - (buffer.count - position) : bytesRead
    }
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

    /// True for files read as CSV: their name ends in `.csv`.
    static func isCSV(_ path: String) -> Bool { path.lowercased().hasSuffix(".csv") }

    /// Opens `path`; `schema` types CSV cells (see `CSVRows`).
    init(path: String, type: String, keyPath: JSONPath?, onArchivedMatch: ArchivedMatchMode?, schema: ObjectType? = nil)
        throws
    {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot open import file \(path)") }
        self.path = path; self.type = type; self.keyPath = keyPath; self.onArchivedMatch = onArchivedMatch
        handle = h
        fileSize = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.intValue ?? 0)
        if Self.isCSV(path) {
            csv = try CSVRows(path: path, schema: schema)
            eof = true
            return
        }
        var head = Array(h.readData(ofLength: 1 << 20))
        bytesRead = head.count
        if let first = head.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }), first == UInt8(ascii: "[") {
            head += Array(h.readDataToEndOfFile())
            bytesRead = head.count
            guard let text = String(validating: head, as: UTF8.self) else { throw CLIError("\(path): not valid UTF-8") }
            do {
                guard let items = try JSONValue.parse(text).arrayValue else {
                    throw CLIError("\(path): expected a JSON array")
                }
                arrayItems = items.reversed()
            } catch let e as JSONSyntaxError { throw CLIError("\(path): \(e.message)") }
            eof = true
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
            guard let next = nextLine() else { break }
            line += 1
            guard case .text(let raw) = next else {
                out.append(
                    ("line \(line)", .failure(RequestError(field: "body", "line is over the 1 MiB limit", status: 413)))
                )
                continue
            }
            if raw.allSatisfy({ [0x20, 0x0D, 0x09].contains($0) }) { continue }
            do { out.append(("line \(line)", .success(try JSONValue.parse(raw)))) } catch {
                out.append(("line \(line)", .failure(RequestError(field: "body", error.message))))
            }
        }
        return out
    }

    private func item(_ value: JSONValue, label: String) -> ImportItem {
        var body = value
        if keyPath != nil || csv != nil {
            guard value.objectValue != nil else {
                return ImportItem(
                    request: .failure(RequestError(field: "body", "expected a data object, got \(value.typeName)")),
                    body: value, label: label)
            }
            var o: [String: JSONValue] = ["data": value]
            if let keyPath { o["lookup"] = ["path": .string(keyPath.description)] }
            if let onArchivedMatch { o["on_archived_match"] = .string(onArchivedMatch.rawValue) }
            body = .object(o)
        } else if let onArchivedMatch, var o = value.objectValue, o["on_archived_match"] == nil {
            o["on_archived_match"] = .string(onArchivedMatch.rawValue)
            body = .object(o)
        }
        let result = NativeRequest.result(type: type, body: body)
        return ImportItem(request: result, body: body, label: label)
    }

    /// A line of the file, or the fact that it was longer than the body limit (its bytes skipped).
    private enum Line {
        case text(ArraySlice<UInt8>)
        case oversized
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
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { eof = true } else { bytesRead += chunk.count; buffer += chunk }
        }
    }
}
