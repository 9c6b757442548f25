import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// Archives an active record (a new revision; nothing is deleted).
    @discardableResult
    public func archive(type: String, id: String, source: WriteSource) throws -> Record {
        try setArchived(true, type: type, id: id, source: source)
    }

    /// Restores an archived record. Its identifier values stayed reserved while archived, so none can collide.
    @discardableResult
    public func restore(type: String, id: String, source: WriteSource) throws -> Record {
        try setArchived(false, type: type, id: id, source: source)
    }

    /// Archives several records of a type in one transaction: all of them, or none when any is refused.
    @discardableResult
    public func archive(type: String, ids: [String], source: WriteSource) throws -> [Record] {
        try setArchived(true, type: type, ids: ids, source: source)
    }

    /// Restores several records of a type in one transaction: all of them, or none when any is refused.
    @discardableResult
    public func restore(type: String, ids: [String], source: WriteSource) throws -> [Record] {
        try setArchived(false, type: type, ids: ids, source: source)
    }

    private func setArchived(_ archived: Bool, type typeKey: String, id: String, source: WriteSource) throws -> Record {
        try setArchived(archived, type: typeKey, ids: [id], source: source)[0]
    }

    private func setArchived(_ archived: Bool, type typeKey: String, ids: [String], source: WriteSource) throws
        -> [Record]
    {
        try writeTransaction(archived ? "archive" : "restore") { db in
            guard let type = try objectType(typeKey, db) else {
                throw StoreError.notFound("unknown object type \"\(typeKey)\"")
            }
            let now = clock()
            // One set of statements for the whole batch: counts and the batch's revision range written once.
            let statements = WriteStatements(db)
            let written = try ids.map { id in
                guard let old = try RecordRow.fetch(id: id, db), old.type == typeKey else {
                    throw StoreError.notFound("no \(typeKey) record with id \"\(id)\"")
                }
                guard old.archived != archived else {
                    throw StoreError.refused(
                        "record \(id) is already \(archived ? "archived" : "active"); nothing written")
                }
                var new = old
                new.archived = archived
                new.archivedAt = archived ? now : nil
                new.version += 1
                new.updatedAt = now
                try WriteApplier.apply(
                    RecordWrite(op: archived ? .archive : .restore, before: old, after: new), type: type,
                    source: source, at: now, db, statements: statements)
                return new
            }
            try statements.finish()
            return written
        }
    }

    /// Undoes a revision by writing its `before` state back as a new revision, when the record is still
    /// at that revision's version. Undoing a create archives the record (nothing is ever deleted). A
    /// revision written by a merge is undone with the whole merge (`undoMerge`), never alone.
    @discardableResult
    public func undo(revision revisionID: Int64, source: WriteSource) throws -> Record {
        try writeTransaction("undo") { db in
            let batch = try String.fetchOne(
                db, sql: "SELECT batch FROM revisions WHERE id = ?", arguments: [revisionID])
            if let merge = Self.mergeID(ofBatch: batch) {
                throw StoreError.refused(
                    "revision \(revisionID) is part of merge \(merge); undo the whole merge with `recdeck undo --merge \(merge)`"
                )
            }
            return try revert(
                revision: revisionID, source: WriteSource(source.name, batch: "undo:\(revisionID)"), at: clock(), db)
        }
    }

    /// Undoes every revision written under one batch id (a bulk archive or restore, an import batch) in one
    /// transaction, newest first; refused as a whole, naming the record, when any record changed since.
    /// A merge's batch is undone with `undoMerge`.
    @discardableResult
    public func undoBatch(_ batch: String, source: WriteSource) throws -> [Record] {
        try writeTransaction("undo batch") { db in
            if let merge = Self.mergeID(ofBatch: batch) {
                throw StoreError.refused(
                    "batch \(batch) is merge \(merge); undo it with `recdeck undo --merge \(merge)`")
            }
            let revisions = try Self.revisionIDs(inBatch: batch, db)
            guard !revisions.isEmpty else { throw StoreError.notFound("no revisions in batch \"\(batch)\"") }
            let undo = WriteSource(source.name, batch: "undo:\(batch)")
            let statements = WriteStatements(db)
            let reverted = try revisions.map {
                try revert(revision: $0, source: undo, at: clock(), db, statements: statements)
            }
            try statements.finish()
            return reverted
        }
    }

    /// Writes the state before a revision back as a new revision (inside the caller's transaction), through
    /// `statements` when a batch shares them (it then flushes them before committing).
    func revert(
        revision revisionID: Int64, source: WriteSource, at now: Date, _ db: Database,
        statements: WriteStatements? = nil
    ) throws -> Record {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM revisions WHERE id = ?", arguments: [revisionID])
        else {
            throw StoreError.notFound("no revision \(revisionID)")
        }
        let recordID: String = row["record_id"]
        guard let current = try RecordRow.fetch(id: recordID, db), let type = try objectType(current.type, db)
        else {
            throw StoreError.notFound("record \(recordID) of revision \(revisionID) no longer exists")
        }
        let previousID: Int64? = row["previous"]
        let previous = try previousID.flatMap {
            try Row.fetchOne(db, sql: "SELECT after, version, at FROM revisions WHERE id = ?", arguments: [$0])
        }
        let rev = try Self.revision(
            row, of: current,
            before: previous.map {
                try Self.revisionState($0["after"], of: current, version: $0["version"], at: $0["at"])
            })
        guard current.version == rev.version else {
            throw StoreError.refused(
                "record \(current.id) is at version \(current.version), but revision \(revisionID) made version \(rev.version); undo the later revisions first; nothing written"
            )
        }
        var new: Record
        if let before = rev.before {
            new = before
            new.createdAt = current.createdAt
        } else {
            new = current
            new.archived = true
            new.archivedAt = now
        }
        new.version = current.version + 1
        new.updatedAt = now
        try WriteApplier.apply(
            RecordWrite(op: .undo, before: current, after: new), type: type, source: source, at: now, db,
            statements: statements)
        return new
    }
}

extension RecordStore {
    /// Selects `columns` of the revisions of `count` records (bound as the ids), oldest first per record:
    /// each record's chain, from its latest revision (`records.last_rev`) back through `revisions.previous`.
    static func revisionChainSQL(records count: Int, columns: String) -> String {
        """
        WITH RECURSIVE chain(id) AS (
            SELECT last_rev FROM records WHERE id IN (\(databaseQuestionMarks(count: count))) AND last_rev IS NOT NULL
            UNION ALL
            SELECT v.previous FROM revisions v JOIN chain c ON v.id = c.id WHERE v.previous IS NOT NULL)
        SELECT \(columns) FROM revisions WHERE id IN (SELECT id FROM chain) ORDER BY record_id, id
        """
    }

    /// The ids of the revisions written under a batch label, newest first: read from the id ranges its
    /// transactions recorded (`revision_batches`), each revision's own label checked.
    static func revisionIDs(inBatch batch: String, _ db: Database) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT DISTINCT r.id FROM revision_batches b JOIN revisions r ON r.id BETWEEN b.first AND b.last
                WHERE b.batch = ? AND r.batch = ? ORDER BY r.id DESC
                """,
            arguments: [batch, batch])
    }
}
