import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// Every type with its active/archived counts (kept by triggers: no table scan) and pending conflicts.
    public func types() throws -> [TypeSummary] {
        try read { db in
            let pending = Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db, sql: "SELECT type, COUNT(*) AS n FROM conflicts WHERE status = 'pending' GROUP BY type"
                ).map { ($0["type"] as String, $0["n"] as Int) })
            return try Row.fetchAll(db, sql: "SELECT key, schema, active, archived FROM types ORDER BY key").map {
                row in
                let type = try ObjectType(json: JSONValue.parse(row["schema"] as String))
                return TypeSummary(
                    type: type, active: row["active"], archived: row["archived"],
                    pendingConflicts: pending[type.key] ?? 0)
            }
        }
    }

    /// Active and archived counts of one type.
    public func counts(type: String) throws -> (active: Int, archived: Int)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT active, archived FROM types WHERE key = ?", arguments: [type]).map {
                ($0["active"], $0["archived"])
            }
        }
    }

    /// Creates or replaces a type's schema. Changed identifiers re-index the type's keys; a collision
    /// names the records and writes nothing.
    public func applyType(_ type: ObjectType) throws {
        try writeTransaction("type apply") { db in
            let old = try objectType(type.key, db)
            try db.execute(
                sql: """
                    INSERT INTO types(key, schema, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET schema = excluded.schema, updated_at = excluded.updated_at
                    """, arguments: [type.key, type.json.jsonText, Timestamp.format(clock())])
            guard let old, old.identifiers != type.identifiers else { return }
            try db.execute(sql: "DELETE FROM record_keys WHERE type = ?", arguments: [type.key])
            let rows = try Row.fetchCursor(
                db, sql: "SELECT \(RecordRow.columns) FROM records WHERE type = ?", arguments: [type.key])
            let cased = type.casedIdentifiers
            while let row = try rows.next() {
                let r = try RecordRow.record(row)
                for k in type.keys(of: r) {
                    do {
                        try db.execute(
                            sql: WriteStatements.keyByIDSQL,
                            arguments: [type.key, k.identifier, k.value, r.id, cased.contains(k.identifier)])
                    } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                        let holder =
                            try String.fetchOne(
                                db,
                                sql:
                                    "SELECT r.id FROM record_keys k JOIN records r ON r.seq = k.record_seq WHERE k.type = ? AND k.identifier = ? AND k.value = ?",
                                arguments: [type.key, k.identifier, k.value]) ?? "?"
                        throw StoreError.refused(
                            "cannot apply the schema: records \(holder) and \(r.id) both hold \(k.identifier) \"\(k.value)\"; nothing written"
                        )
                    }
                }
            }
        }
    }

    /// One page of a type's records in insertion order, starting after `cursor` (the CLI's `--after`):
    /// the Records view's keyset paging, with the cursor as a plain sequence number.
    public func list(type: String, filter: ArchiveFilter = .active, after cursor: Int64? = nil, limit: Int = 100) throws
        -> RecordPage
    {
        let rows = try page(
            RecordQuery(type: type, archived: filter), from: cursor.map { PageKey(seq: $0) }, limit: limit + 1)
        let shown = rows.prefix(limit)
        return RecordPage(records: shown.map(\.record), next: rows.count > limit ? shown.last?.key.seq : nil)
    }

    /// Every record of a type, in insertion order, one page at a time (for export).
    public func forEachRecord(
        type: String, filter: ArchiveFilter = .all, pageSize: Int = 1000, _ body: (Record) throws -> Void
    ) throws {
        var cursor: Int64? = nil
        repeat {
            let page = try list(type: type, filter: filter, after: cursor, limit: pageSize)
            for r in page.records { try body(r) }
            cursor = page.next
        } while cursor != nil
    }
}
