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
    public func scanDuplicates(type typeKey: String, rules: [DuplicateRule],
                               progress: (ScanProgress) -> Bool = { _ in true }) throws -> DuplicateReport? {
        try read { db in
            guard try objectType(typeKey, db) != nil else { throw StoreError.notFound("unknown object type \"\(typeKey)\"") }
            var scan = DuplicateScan(rules: rules)
            let total = max(1, try Int.fetchOne(db, sql: "SELECT active FROM types WHERE key = ?", arguments: [typeKey]) ?? 1)
            var columns = ["id", "name"]
            var decoders: [(Row) -> JSONValue?] = []
            for key in scan.keys {
                let c = columns.count
                switch key.source {
                case .name: columns.append("name"); decoders.append { ($0[c] as String?).map(JSONValue.string) }
                case .externalID: columns.append("external_id"); decoders.append { ($0[c] as String?).map(JSONValue.string) }
                case .data(let path):
                    if let sqlPath = try? Self.sqlitePath(path) {
                        let literal = "'" + sqlPath + "'"
                        columns += ["json_extract(data, \(literal))", "json_type(data, \(literal))"]
                        decoders.append { row in Self.value(row[c], type: row[c + 1]) }
                    } else {
                        columns.append("data")
                        decoders.append { row in (try? JSONValue.parse(row[c] as String)).flatMap { path.value(in: $0) } }
                    }
                }
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM records WHERE type = ? AND archived = 0 ORDER BY seq",
                                           arguments: [typeKey])
            let readShare = scan.needsNames || rules.contains { $0.conditions.count > 1 } ? 0.4 : 0.8
            guard progress(ScanProgress(phase: "reading", fraction: 0)) else { return nil }
            var n = 0
            while let row = try rows.next() {
                scan.add(id: row[0], name: scan.needsNames ? row[1] : nil, values: decoders.map { $0(row) })
                n += 1
                if n & 8191 == 0, !progress(ScanProgress(phase: "reading", fraction: readShare * min(1, Double(n) / Double(total)))) { return nil }
            }
            guard progress(ScanProgress(phase: "comparing", fraction: readShare)),
                  let found = scan.groups(shouldContinue: { progress(ScanProgress(phase: "comparing", fraction: readShare + (1 - readShare) * $0)) }) else {
                return nil
            }
            _ = progress(ScanProgress(phase: "done", fraction: 1))
            return DuplicateReport(type: typeKey, rules: rules.map(\.description), scanned: scan.count, groups: found.groups, warnings: found.warnings)
        }
    }

    /// A value `json_extract` returned, typed by `json_type`: arrays arrive as JSON text.
    private static func value(_ dbValue: DatabaseValue, type: String?) -> JSONValue? {
        switch type {
        case "text": return (String.fromDatabaseValue(dbValue)).map(JSONValue.string)
        case "integer": return Int64.fromDatabaseValue(dbValue).map(JSONValue.int)
        case "real": return Double.fromDatabaseValue(dbValue).map(JSONValue.double)
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "array": return String.fromDatabaseValue(dbValue).flatMap { try? JSONValue.parse($0) }
        default: return nil
        }
    }
}
