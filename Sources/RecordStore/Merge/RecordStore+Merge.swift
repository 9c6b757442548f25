import Foundation
import GRDB
import RecordCore

/// A merge as applied: its id (for undo) and plan.
public struct MergeOutcome: Sendable {
    public var id: Int64
    public var plan: MergePlan
}

extension RecordStore {
    /// Plans merging `losers` into `survivor` against the current state; writes nothing.
    public func planMerge(type: String, survivor: String, losers: [String], take: [String: String] = [:]) throws
        -> MergePlan
    {
        try read { db in try mergePlan(type: type, survivor: survivor, losers: losers, take: take, db) }
    }

    /// Merges in one transaction, re-planned inside it: losers archived with `merged_into`, their
    /// identifier values moved aside, children and associations re-pointed, the survivor updated. Every
    /// write is a revision in the batch `merge:<id>`.
    public func merge(
        type: String, survivor: String, losers: [String], take: [String: String] = [:], source: WriteSource
    ) throws -> MergeOutcome {
        try writeTransaction("merge") { db in
            let plan = try mergePlan(type: type, survivor: survivor, losers: losers, take: take, db)
            guard plan.isValid else {
                throw StoreError.refused(plan.errors.joined(separator: "; ") + "; nothing written")
            }
            guard let objectType = try objectType(type, db) else {
                throw StoreError.notFound("unknown object type \"\(type)\"")
            }
            let now = clock()
            try db.execute(
                sql: "INSERT INTO merges(type, survivor_id, loser_ids, plan, source, at) VALUES (?,?,?,?,?,?)",
                arguments: [
                    type, survivor, JSONValue.array(losers.map(JSONValue.string)).jsonText, plan.json.jsonText,
                    source.name, Timestamp.format(now),
                ])
            let id = db.lastInsertedRowID
            let batch = WriteSource(source.name, batch: "merge:\(id)")
            // Children and referrers may be of other types: each schema is read once, not once per write.
            var types = [type: objectType]
            for write in plan.writes {
                let key = write.after.type
                if types[key] == nil { types[key] = try self.objectType(key, db) }
                guard let writeType = types[key] else { throw StoreError.notFound("unknown object type \"\(key)\"") }
                try WriteApplier.apply(write, type: writeType, source: batch, at: now, db)
            }
            return MergeOutcome(id: id, plan: plan)
        }
    }

    /// Undoes a merge in one transaction: every record it wrote gets its state from before the merge
    /// back (as a new revision), provided none has changed since.
    @discardableResult
    public func undoMerge(id: Int64, source: WriteSource) throws -> [Record] {
        try writeTransaction("undo merge") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM merges WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("no merge \(id)")
            }
            if let undone: String = row["undone_at"] {
                throw StoreError.refused("merge \(id) was already undone at \(undone)")
            }
            let revisions = try Int64.fetchAll(
                db, sql: "SELECT id FROM revisions WHERE batch = ? ORDER BY id DESC", arguments: ["merge:\(id)"])
            let now = clock()
            // Newest first: the survivor gives the losers' identifier values back before they take them.
            let restored = try revisions.map {
                try revert(revision: $0, source: WriteSource(source.name, batch: "undo:merge:\(id)"), at: now, db)
            }
            try db.execute(sql: "UPDATE merges SET undone_at = ? WHERE id = ?", arguments: [Timestamp.format(now), id])
            return restored.reversed()
        }
    }

    /// The merge a revision belongs to, if any.
    static func mergeID(ofBatch batch: String?) -> Int64? {
        guard let batch, batch.hasPrefix("merge:") else { return nil }
        return Int64(batch.dropFirst("merge:".count))
    }

    private func mergePlan(
        type typeKey: String, survivor: String, losers: [String], take: [String: String], _ db: Database
    ) throws -> MergePlan {
        guard let type = try objectType(typeKey, db) else {
            throw StoreError.notFound("unknown object type \"\(typeKey)\"")
        }
        func fetch(_ id: String) throws -> Record {
            guard let r = try RecordRow.fetch(id: id, db) else {
                throw StoreError.notFound("no record with id \"\(id)\"")
            }
            return r
        }
        let survivorRecord = try fetch(survivor)
        let loserRecords = try losers.map(fetch)
        let marks = databaseQuestionMarks(count: losers.count)
        let args = StatementArguments(losers)
        let children =
            losers.isEmpty
            ? []
            : try Row.fetchAll(
                db, sql: "SELECT \(RecordRow.columns) FROM records WHERE parent_id IN (\(marks)) ORDER BY seq",
                arguments: args
            ).map(RecordRow.record)
        let referrers =
            losers.isEmpty
            ? []
            : try Row.fetchAll(
                db,
                sql: """
                    SELECT \(RecordRow.columns) FROM records WHERE id IN (SELECT from_id FROM associations WHERE to_id IN (\(marks))) ORDER BY seq
                    """, arguments: args
            ).map(RecordRow.record)
        return MergePlanner.plan(
            MergeInput(
                type: type, survivor: survivorRecord, losers: loserRecords, take: take,
                children: children, referrers: referrers), now: clock())
    }
}
