import Foundation
import GRDB
import RecordCore

/// A transaction of the SQLite store: the store and its connection, inside `writeTransaction` or `read`.
public struct SQLiteTransaction: StoreTransaction {
    let store: RecordStore
    let db: Database
    /// The statements this transaction's `write`s share (prepared once; counts and batch ranges written once,
    /// by `finish`).
    private let shared = SharedStatements()

    init(store: RecordStore, db: Database) { self.store = store; self.db = db }

    /// Writes what the shared statements kept for the end; before the transaction commits.
    func finish() throws { try shared.statements?.finish() }

    public func objectType(_ key: String) throws -> ObjectType? { try store.objectType(key, db) }

    public func plan(_ request: UpsertRequest, type: ObjectType?) throws -> Plan {
        try store.planner(db).plan(request, type: type)
    }

    public func applyPlanned(_ request: UpsertRequest, type: ObjectType?, source: WriteSource) throws -> Plan {
        try store.applyPlanned(request, type: type, source: source, db)
    }

    /// The batch write path: row writes on a second thread while the next item is planned (`WritePipeline`).
    public func applyBatch(_ items: [DecodedItem], type: ObjectType?, source: WriteSource, parkConflicts: String?)
        throws -> [Plan]
    {
        try store.applyBatch(items, type: type, source: source, parkConflicts: parkConflicts, db)
    }

    public func parkConflict(
        _ request: UpsertRequest, body: JSONValue, plan: Plan, dialect: String, source: WriteSource
    ) throws -> Int64 {
        try store.parkConflict(request, body: body, plan: plan, dialect: dialect, source: source, db)
    }

    public func recordProcess(_ p: ProcessEntry) throws {
        try db.execute(
            sql: """
                INSERT INTO processes(id, type, dialect, status, items, results, source, created_at)
                VALUES (?,?,?,?,?,?,?,?)
                """,
            arguments: [
                p.id, p.type, p.dialect, p.status.rawValue, p.results.count, JSONValue.array(p.results).jsonText,
                p.source, Timestamp.format(p.createdAt),
            ])
    }

    public func appendRequest(_ entry: JournalEntry) throws { try store.appendRequest(entry, db) }

    public func record(id: String) throws -> Record? { try RecordRow.fetch(id: id, db) }

    public func records(type: String, identifier: String, value: String) throws -> [Record] {
        try StoreLookup(db: db).records(type: type, identifier: identifier, value: value)
    }

    public func write(_ write: RecordWrite, type: ObjectType, source: WriteSource, at now: Date) throws {
        let statements = shared.statements ?? WriteStatements(db)
        shared.statements = statements
        try WriteApplier.apply(write, type: type, source: source, at: now, db, statements: statements)
    }

    public func revision(id: Int64) throws -> StoredRevision? {
        try Row.fetchOne(db, sql: "SELECT * FROM revisions WHERE id = ?", arguments: [id]).map(Self.revision)
    }

    public func revisions(ofRecord id: String) throws -> [StoredRevision] {
        try Row.fetchAll(db, sql: RecordStore.revisionChainSQL(records: 1, columns: "*"), arguments: [id])
            .map(Self.revision)
    }

    public func revisionIDs(inBatch batch: String) throws -> [Int64] { try RecordStore.revisionIDs(inBatch: batch, db) }

    private static func revision(_ row: Row) throws -> StoredRevision {
        StoredRevision(
            id: row["id"], recordID: row["record_id"], version: row["version"], op: try row.decode("op"),
            after: row["after"], source: row["source"], batch: row["batch"],
            at: Timestamp.parse(row["at"]) ?? Date(timeIntervalSince1970: 0), previous: row["previous"])
    }

    public func conflicts(pendingOnly: Bool) throws -> [ConflictEntry] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM conflicts \(pendingOnly ? "WHERE status = 'pending'" : "") ORDER BY id"
        ).map { row in
            ConflictEntry(
                id: row["id"], type: row["type"], dialect: row["dialect"], request: row["request"],
                plan: (try? JSONValue.parse(row["plan"] as String)) ?? .null, recordID: row["record_id"],
                status: try row.decode("status"), resolution: row["resolution"], createdAt: row["created_at"])
        }
    }

    public func conflictStatus(id: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT status FROM conflicts WHERE id = ?", arguments: [id])
    }

    public func markResolved(conflict id: Int64, resolution: String, journal: String, at: Date) throws {
        try db.execute(
            sql: "UPDATE conflicts SET status = 'resolved', resolution = ?, resolved_at = ? WHERE id = ?",
            arguments: [resolution, Timestamp.format(at), id])
        try db.execute(sql: "UPDATE requests SET resolution = ? WHERE conflict_id = ?", arguments: [journal, id])
    }
}

/// The write statements one transaction shares, made on its first write.
private final class SharedStatements {
    var statements: WriteStatements?
}

extension RecordStore: TransactionalStore {
    public func now() -> Date { clock() }

    public func inWriteTransaction<T>(
        _ what: String, commitIf: (T) -> Bool, _ body: (SQLiteTransaction) throws -> T
    ) throws -> T {
        try writeTransaction(what, commitIf: commitIf) { db in
            let tx = SQLiteTransaction(store: self, db: db)
            let result = try body(tx)
            try tx.finish()
            return result
        }
    }

    public func inReadTransaction<T>(_ body: (SQLiteTransaction) throws -> T) throws -> T {
        try read { db in try body(SQLiteTransaction(store: self, db: db)) }
    }
}
