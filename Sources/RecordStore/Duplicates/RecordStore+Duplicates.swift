import Foundation
import GRDB
import RecordCore

/// How far a duplicate scan has got.
public struct ScanProgress: Sendable, Equatable {
    /// "reading" or "comparing".
    public var phase: String
    /// 0...1 over the whole scan.
    public var fraction: Double
    public init(phase: String, fraction: Double) { self.phase = phase; self.fraction = fraction }
}

extension RecordStore {
    /// Scans a type's active records for duplicates under `rules` (oldest first, in one read snapshot).
    /// Values are pulled out by SQLite (`json_extract`), so the scan never decodes a whole record.
    /// `progress` is called now and then; returning false cancels the scan, which then returns nil.
    public func scanDuplicates(
        type typeKey: String, rules: [DuplicateRule],
        progress: (ScanProgress) -> Bool = { _ in true }
    ) throws -> DuplicateReport? {
        try read { db in
            guard try objectType(typeKey, db) != nil else {
                throw StoreError.notFound("unknown object type \"\(typeKey)\"")
            }
            var scan = DuplicateScan(rules: rules)
            let total = max(
                1, try Int.fetchOne(db, sql: "SELECT active FROM types WHERE key = ?", arguments: [typeKey]) ?? 1)
            scan.reserve(total)
            var columns = ["id", "name"]
            var decoders: [(Row) -> JSONValue?] = []
            for key in scan.keys {
                let c = columns.count
                switch key.source {
                case .name: columns.append("name"); decoders.append { ($0[c] as String?).map(JSONValue.string) }
                case .externalID:
                    columns.append("external_id"); decoders.append { ($0[c] as String?).map(JSONValue.string) }
                case .data(let path):
                    if let sqlPath = try? BrowseSQL.sqlitePath(path) {
                        // `->` gives the value as JSON text in one pass over the record's JSON.
                        columns.append("data -> '\(sqlPath)'")
                        decoders.append { row in Self.value(jsonText: row[c]) }
                    } else {
                        columns.append("data")
                        decoders.append { row in (try? JSONValue.parse(row[c] as String)).flatMap { path.value(in: $0) }
                        }
                    }
                }
            }
            let rows = try Row.fetchCursor(
                db,
                sql:
                    "SELECT \(columns.joined(separator: ", ")) FROM records WHERE type = ? AND archived = 0 ORDER BY seq",
                arguments: [typeKey])
            let readShare = scan.needsNames || rules.contains { $0.conditions.count > 1 } ? 0.4 : 0.8
            guard progress(ScanProgress(phase: "reading", fraction: 0)) else { return nil }
            var n = 0
            var values = [JSONValue?](repeating: nil, count: decoders.count)
            while let row = try rows.next() {
                for (i, decode) in decoders.enumerated() { values[i] = decode(row) }
                scan.add(id: row[0], name: scan.needsNames ? row[1] : nil, values: values)
                n += 1
                if n & 8191 == 0,
                    !progress(ScanProgress(phase: "reading", fraction: readShare * min(1, Double(n) / Double(total))))
                {
                    return nil
                }
            }
            guard progress(ScanProgress(phase: "comparing", fraction: readShare)),
                let found = scan.groups(shouldContinue: {
                    progress(ScanProgress(phase: "comparing", fraction: readShare + (1 - readShare) * $0))
                })
            else {
                return nil
            }
            _ = progress(ScanProgress(phase: "done", fraction: 1))
            return DuplicateReport(
                type: typeKey, rules: rules.map(\.description), scanned: scan.count, groups: found.groups,
                warnings: found.warnings)
        }
    }

    /// A value `->` returned as JSON text: plain strings are unquoted directly (the common case, and the
    /// hot path of a million-record scan); anything else is parsed.
    private static func value(jsonText text: String?) -> JSONValue? {
        guard let text, !text.isEmpty else { return nil }
        let utf8 = text.utf8
        if utf8.first == UInt8(ascii: "\""), utf8.count >= 2, !utf8.contains(UInt8(ascii: "\\")) {
            return .string(String(decoding: utf8.dropFirst().dropLast(), as: UTF8.self))
        }
        if text == "null" { return nil }
        return try? JSONValue.parse(text)
    }
}
