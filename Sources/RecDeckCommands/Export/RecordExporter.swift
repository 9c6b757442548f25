import Foundation
import RecordCore
import RecordStore

/// The file formats `export` writes.
enum ExportFormat: String, Sendable, CaseIterable {
    case jsonl, csv

    /// The format a path's extension names (`.jsonl`/`.ndjson` → JSONL, `.csv` → CSV). `.json` is refused:
    /// the file would hold JSON lines, not the one JSON document the name promises.
    init(path: String) throws {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "jsonl", "ndjson": self = .jsonl
        case "csv": self = .csv
        default: throw CLIError("cannot tell the format of \(path): name it .jsonl or .csv")
        }
    }
}

/// Writes a listing (its filter and order applied) or chosen records to JSONL or CSV. JSONL rows are whole
/// records, or objects of the chosen columns; CSV rows are the columns (strings as themselves, objects and
/// arrays as JSON). A file is written beside the target under a temporary name and renamed when complete,
/// so a failure or a cancel leaves nothing partial.
enum RecordExporter {
    /// Exports to a file; `progress` gets the rows written so far and returns false to cancel (then nil).
    static func export(
        store: RecordStore, query: RecordQuery, ids: [String]? = nil, columns: [GridColumn]?, format: ExportFormat,
        to path: String, progress: @escaping (Int) -> Bool = { _ in true }
    ) throws -> Int? {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError("cannot export to \(path): folder \(folder.path) does not exist; nothing written")
        }
        let temp = folder.appendingPathComponent(
            ".\(target.lastPathComponent).recdeck-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: temp.path)
        else {
            throw CLIError("cannot export to \(path): cannot write in \(folder.path); nothing written")
        }
        var done = false
        defer { if !done { try? FileManager.default.removeItem(at: temp) } }
        let written: Int?
        do {
            let sink = TextSink(handle)
            written = try write(
                store: store, query: query, ids: ids, columns: columns, format: format, to: sink, progress: progress)
            try sink.flush()
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw CLIError(
                "cannot export to \(path): \((error as? CLIError)?.message ?? error.localizedDescription); nothing written"
            )
        }
        guard let written else { return nil }
        // rename(2) replaces the target atomically: readers see the old file or the new one, never a part.
        // (Foundation's replaceItemAt lost the old file on Linux when it failed.)
        guard rename(temp.path, target.path) == 0 else {
            throw CLIError("cannot export to \(path): \(String(cString: strerror(errno))); nothing written")
        }
        done = true
        return written
    }

    /// Writes the rows to a sink; nil when `progress` cancelled.
    static func write(
        store: RecordStore, query: RecordQuery, ids: [String]?, columns: [GridColumn]?, format: ExportFormat,
        to stream: TextSink, progress: @escaping (Int) -> Bool = { _ in true }
    ) throws -> Int? {
        var rows = 0
        var cancelled = false
        let writeRow: (Record) throws -> Void
        switch format {
        case .jsonl:
            writeRow = { r in
                let line: String
                if let columns {
                    var o: JSONObject = [:]
                    for c in columns { o[c.key] = c.value(of: r) ?? .null }
                    line = JSONValue.object(o).jsonText
                } else {
                    line = r.json.jsonText
                }
                try Self.write(line + "\n", to: stream)
            }
        case .csv:
            let cols = columns ?? [.id, .name, .externalID, .state, .created, .updated]
            try Self.write(CSVLine.line(cols.map(\.key)), to: stream)
            writeRow = { r in
                try Self.write(
                    CSVLine.line(cols.map { c in c.value(of: r).map { $0.stringValue ?? $0.jsonText } ?? "" }),
                    to: stream)
            }
        }
        let each: (Record) throws -> Bool = { r in
            try writeRow(r)
            rows += 1
            if rows % 1000 == 0, !progress(rows) { cancelled = true; return false }
            return true
        }
        if let ids {
            for id in ids {
                guard let r = try store.record(id: id) else { continue }
                guard try each(r) else { break }
            }
        } else {
            try store.forEachRow(query) { try each($0.record) }
        }
        if cancelled { return nil }
        _ = progress(rows)
        return rows
    }

    private static func write(_ text: String, to sink: TextSink) throws { try sink.write(text) }
}

/// Text written to a file handle in 64 KiB chunks (one system call per chunk, not per line).
final class TextSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    init(_ handle: FileHandle) { self.handle = handle; buffer.reserveCapacity(1 << 16) }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// One CSV line as RFC 4180 writes it: fields joined by commas, a field quoted (its quotes doubled) when it
/// holds a comma, a quote, CR or LF; lines end with LF. Written by hand for export because CSV.swift's
/// writer searches five substrings through Foundation's CFString per field and writes one scalar per
/// stream call (1.3 s of a 3 s export of 100,000 rows); CSV.swift still reads every CSV recdeck imports,
/// and the tests read exports back with it.
enum CSVLine {
    static func line(_ fields: [String]) -> String {
        var out = ""
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(",") }
            if f.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out.append("\"")
                out.append(f.replacingOccurrences(of: "\"", with: "\"\""))
                out.append("\"")
            } else {
                out.append(f)
            }
        }
        out.append("\n")
        return out
    }
}
