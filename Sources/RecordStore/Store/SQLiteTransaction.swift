import Foundation
import GRDB
import RecordCore

/// A transaction of the SQLite store: the store and its connection, inside `writeTransaction` or `read`.
public struct SQLiteTransaction: StoreTransaction {
    let store: RecordStore
    let db: Database

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
}

extension RecordStore: TransactionalStore {
    public func now() -> Date { clock() }

    public func inWriteTransaction<T>(
        _ what: String, commitIf: (T) -> Bool, _ body: (SQLiteTransaction) throws -> T
    ) throws -> T {
        try writeTransaction(what, commitIf: commitIf) { db in try body(SQLiteTransaction(store: self, db: db)) }
    }

    public func inReadTransaction<T>(_ body: (SQLiteTransaction) throws -> T) throws -> T {
        try read { db in try body(SQLiteTransaction(store: self, db: db)) }
    }
}
