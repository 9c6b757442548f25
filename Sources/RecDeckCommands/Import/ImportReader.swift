import Foundation
import RecordCore
import RecordStore

/// Reads an import file as items: JSONL streamed line by line, a JSON array, or one JSON object. Each
/// element is a native request, or with `keyPath` a plain data object looked up by that path (bulk
/// imports read the elements as bulk request bodies).
struct ImportReader {
    let path: String
    let type: String
    let keyPath: JSONPath?
    let onArchivedMatch: ArchivedMatchMode?

    /// Bytes read from the file so far (ahead of what has been handed out).
    private(set) var bytesRead = 0
    /// Bytes handed out as items so far, for the progress bar.
    var bytesConsumed: Int { arrayItems == nil ? bytesRead - (buffer.count - position) : bytesRead }
    let fileSize: Int
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var line = 0
    private var arrayItems: [JSONValue]?
    private var eof = false

    init(path: String, type: String, keyPath: JSONPath?, onArchivedMatch: ArchivedMatchMode?) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot open import file \(path)") }
        self.path = path; self.type = type; self.keyPath = keyPath; self.onArchivedMatch = onArchivedMatch
        handle = h
        fileSize = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.intValue ?? 0)
        var head = Array(h.readData(ofLength: 1 << 20))
        bytesRead = head.count
        if let first = head.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }), first == UInt8(ascii: "[") {
            head += Array(h.readDataToEndOfFile())
            bytesRead = head.count
            guard let text = String(validating: head, as: UTF8.self) else { throw CLIError("\(path): not valid UTF-8") }
            do {
                guard let items = try JSONValue.parse(text).arrayValue else { throw CLIError("\(path): expected a JSON array") }
                arrayItems = items.reversed()
            } catch let e as JSONSyntaxError { throw CLIError("\(path): \(e.message)") }
            eof = true
        } else if head.count == fileSize, head.count <= Limits.maxBodyBytes, head.contains(0x0A),
                  let whole = try? JSONValue.parse(Data(head)), whole.objectValue != nil {
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
        var out: [(String, Result<JSONValue, RequestError>)] = []
        out.reserveCapacity(count)
        while out.count < count {
            if arrayItems != nil {
                guard let v = arrayItems!.popLast() else { break }
                line += 1
                out.append(("item \(line)", .success(v)))
                continue
            }
            guard let raw = nextLine() else { break }
            line += 1
            if raw.allSatisfy({ [0x20, 0x0D, 0x09].contains($0) }) { continue }
            guard raw.count <= Limits.maxBodyBytes else {
                out.append(("line \(line)", .failure(RequestError(field: "body", "request is over the 1 MiB limit", status: 413))))
                continue
            }
            do { out.append(("line \(line)", .success(try JSONValue.parse(Data(raw))))) } catch {
                out.append(("line \(line)", .failure(RequestError(field: "body", error.message))))
            }
        }
        return out
    }

    private func item(_ value: JSONValue, label: String) -> ImportItem {
        var body = value
        if let keyPath {
            guard value.objectValue != nil else {
                return ImportItem(request: .failure(RequestError(field: "body", "expected a data object, got \(value.typeName)")), body: value, label: label)
            }
            var o: [String: JSONValue] = ["lookup": ["path": .string(keyPath.description)], "data": value]
            if let onArchivedMatch { o["on_archived_match"] = .string(onArchivedMatch.rawValue) }
            body = .object(o)
        } else if let onArchivedMatch, var o = value.objectValue, o["on_archived_match"] == nil {
            o["on_archived_match"] = .string(onArchivedMatch.rawValue)
            body = .object(o)
        }
        let result = NativeRequest.result(type: type, body: body)
        return ImportItem(request: result, body: body, label: label)
    }

    private mutating func nextLine() -> ArraySlice<UInt8>? {
        while true {
            if let nl = buffer[position...].firstIndex(of: 0x0A) {
                let l = buffer[position..<nl]
                position = nl + 1
                return l
            }
            if eof {
                guard position < buffer.count else { return nil }
                let l = buffer[position...]
                position = buffer.count
                return l
            }
            // Keep the unread tail, then read the next chunk.
            buffer.removeSubrange(..<position)
            position = 0
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { eof = true } else { bytesRead += chunk.count; buffer += chunk }
        }
    }
}
