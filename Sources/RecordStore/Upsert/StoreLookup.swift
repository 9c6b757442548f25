import Foundation
import GRDB
import RecordCore

/// Answers the planner's questions from the database, inside the caller's transaction. One lookup serves a
/// whole batch and keeps its key statement prepared (finding it by its SQL text cost more than running it).
final class StoreLookup: RecordLookup {
    let db: Database
    private var byKey: RawStatement?

    init(db: Database) { self.db = db }

    static let byKeySQL = """
        SELECT \(RecordRow.joinedColumns)
        FROM record_keys k JOIN records r ON r.id = k.record_id
        WHERE k.type = ? AND k.identifier = ? AND k.value = ?
        ORDER BY r.seq
        """

    func records(type: String, identifier: String, value: String) throws -> [Record] {
        // Through SQLite's C API, decoded by position: most probes of an import find nothing, and a found
        // row is read without GRDB's row objects.
        let statement = try byKey ?? RawStatement(db, sql: Self.byKeySQL)
        byKey = statement
        return try statement.bind(type).bind(identifier).bind(value).rows(Self.byKeySQL, RecordRow.record)
    }

    func scan(type: String, matching: (Record) -> Bool) throws -> [Record] {
        var out: [Record] = []
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(RecordRow.columns) FROM records WHERE type = ? ORDER BY seq"),
            arguments: [type])
        while let row = try rows.next() {
            let r = try RecordRow.record(row)
            if matching(r) { out.append(r) }
        }
        return out
    }

    func record(id: String) throws -> Record? { try RecordRow.fetch(id: id, db) }

    func idempotencyEntry(key: String) throws -> IdempotencyEntry? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT type, fingerprint, decision, record_id FROM idempotency_keys WHERE key = ?",
                arguments: [key])
        else { return nil }
        return IdempotencyEntry(
            type: row["type"], fingerprint: row["fingerprint"],
            decision: Decision(rawValue: row["decision"]) ?? .invalid, recordID: row["record_id"])
    }

    func nextAutonumber(type: String) throws -> Int {
        (try Int.fetchOne(db, sql: "SELECT autonumber FROM types WHERE key = ?", arguments: [type]) ?? 0) + 1
    }
}
