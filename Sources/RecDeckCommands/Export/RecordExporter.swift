import CSV
import Foundation
import RecordCore
import RecordStore

/// The file formats `export` writes.
enum ExportFormat: String, Sendable {
    case jsonl, csv

    /// The format a path's extension names (`.jsonl`/`.ndjson`/`.json` → JSONL, `.csv` → CSV).
    init(path: String) throws {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "jsonl", "ndjson", "json": self = .jsonl
        case "csv": self = .csv
        default: throw CLIError("cannot tell the format of \(path): name it .jsonl or .csv")
        }
    }
}

/// Writes a listing (its filter and order applied) or chosen records to JSONL or CSV. JSONL rows are whole
/// records, or objects of the chosen columns; CSV rows are the columns (strings as themselves, objects and
/// arrays as JSON). The file is written beside the target under a temporary name and renamed when
/// complete, so a failure or a cancel leaves nothing partial.
enum RecordExporter {
    /// Exports; `progress` gets the rows written so far and returns false to cancel (then nil).
    static func export(store: RecordStore, query: RecordQuery, ids: [String]? = nil, columns: [GridColumn]?, format: ExportFormat,
                       to path: String, progress: @escaping (Int) -> Bool = { _ in true }) throws -> Int? {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError("cannot export to \(path): folder \(folder.path) does not exist; nothing written")
        }
        let temp = folder.appendingPathComponent(".\(target.lastPathComponent).recdeck-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard let stream = OutputStream(toFileAtPath: temp.path, append: false) else {
            throw CLIError("cannot export to \(path): cannot write in \(folder.path); nothing written")
        }
        stream.open()
        var done = false
        defer {
            stream.close()
            if !done { try? FileManager.default.removeItem(at: temp) }
        }
        // (OutputStream.streamError traps on Linux's Foundation: only the status is read.)
        if stream.streamStatus == .error { throw CLIError("cannot export to \(path): not writable; nothing written") }
        var rows = 0
        var cancelled = false
        let write: (Record) throws -> Bool
        switch format {
        case .jsonl:
            write = { r in
                let line: String
                if let columns {
                    var o: [String: JSONValue] = [:]
                    for c in columns { o[c.key] = c.value(of: r) ?? .null }
                    line = JSONValue.object(o).jsonText
                } else {
                    line = r.json.jsonText
                }
                try Self.write(line + "\n", to: stream, path: path)
                rows += 1
                if rows % 1000 == 0, !progress(rows) { cancelled = true; return false }
                return true
            }
        case .csv:
            let csv = try CSVWriter(stream: stream)
            let cols = columns ?? [.id, .name, .externalID]
            try csv.write(row: cols.map(\.key))
            write = { r in
                try csv.write(row: cols.map { c in c.value(of: r).map { $0.stringValue ?? $0.jsonText } ?? "" })
                if stream.streamStatus == .error { throw CLIError("cannot export to \(path): a write failed; nothing written") }
                rows += 1
                if rows % 1000 == 0, !progress(rows) { cancelled = true; return false }
                return true
            }
        }
        if let ids {
            for id in ids {
                guard let r = try store.record(id: id) else { continue }
                guard try write(r) else { break }
            }
        } else {
            try store.forEachRow(query) { try write($0.record) }
        }
        if cancelled { return nil }
        if stream.streamStatus == .error { throw CLIError("cannot export to \(path): a write failed; nothing written") }
        stream.close()
        do {
            if FileManager.default.fileExists(atPath: target.path) { _ = try FileManager.default.replaceItemAt(target, withItemAt: temp) } else {
                try FileManager.default.moveItem(at: temp, to: target)
            }
        } catch {
            throw CLIError("cannot export to \(path): \(error.localizedDescription); nothing written")
        }
        done = true
        _ = progress(rows)
        return rows
    }

    private static func write(_ text: String, to stream: OutputStream, path: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBufferPointer { stream.write($0.baseAddress!, maxLength: $0.count) }
            if n <= 0 { throw CLIError("cannot export to \(path): a write failed (disk full?); nothing written") }
            offset += n
        }
    }
}
