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
    public func planMerge(
        type: String, survivor: String, losers: [String], take: [String: String] = [:],
        rules: MergeRuleSet = .standard
    ) throws -> MergePlan {
        try read { db in
            try mergePlan(
                type: try requireType(type, db), members: [survivor] + losers, survivor: survivor, take: take,
                rules: rules, db)
        }
    }

    /// Plans merging a group whose survivor the rule set's master rules choose; writes nothing.
    public func planGroupMerge(
        type: String, recordIDs: [String], take: [String: String] = [:], rules: MergeRuleSet
    ) throws -> MergePlan {
        try read { db in
            try mergePlan(
                type: try requireType(type, db), members: recordIDs, survivor: nil, take: take, rules: rules, db)
        }
    }

    /// Merges in one transaction, re-planned inside it: losers archived with `merged_into`, their
    /// identifier values moved aside, children and associations re-pointed, the survivor updated. Every
    /// write is a revision in the batch `merge:<id>`. A nil survivor is chosen by the master rules.
    public func merge(
        type: String, survivor: String?, losers: [String], take: [String: String] = [:],
        rules: MergeRuleSet = .standard, source: WriteSource
    ) throws -> MergeOutcome {
        try writeTransaction("merge") { db in
            let objectType = try requireType(type, db)
            let plan = try mergePlan(
                type: objectType, members: (survivor.map { [$0] } ?? []) + losers, survivor: survivor, take: take,
                rules: rules, db)
            guard plan.isValid else {
                throw StoreError.refused(plan.errors.joined(separator: "; ") + "; nothing written")
            }
            return MergeOutcome(id: try apply(plan, type: objectType, source: source, runID: nil, db), plan: plan)
        }
    }

    /// Writes a valid plan inside the caller's transaction: the `merges` row, then every write under the
    /// batch `merge:<id>`. Returns the merge id.
    func apply(_ plan: MergePlan, type objectType: ObjectType, source: WriteSource, runID: String?, _ db: Database)
        throws -> Int64
    {
        let now = clock()
        try db.execute(
            sql: "INSERT INTO merges(type, survivor_id, loser_ids, plan, source, at, run_id) VALUES (?,?,?,?,?,?,?)",
            arguments: [
                plan.type, plan.survivorID, JSONValue.array(plan.loserIDs.map(JSONValue.string)).jsonText,
                plan.json.jsonText, source.name, Timestamp.format(now), runID,
            ])
        let id = db.lastInsertedRowID
        let batch = WriteSource(source.name, batch: "merge:\(id)")
        // Children and referrers may be of other types: each schema is read once, not once per write.
        var types = [plan.type: objectType]
        let statements = WriteStatements(db)
        for write in plan.writes {
            let key = write.after.type
            if types[key] == nil { types[key] = try self.objectType(key, db) }
            guard let writeType = types[key] else { throw StoreError.notFound("unknown object type \"\(key)\"") }
            try WriteApplier.apply(write, type: writeType, source: batch, at: now, db, statements: statements)
        }
        try statements.finish()
        return id
    }

    /// Undoes a merge in one transaction: every record it wrote gets its state from before the merge
    /// back (as a new revision), provided none has changed since.
    @discardableResult
    public func undoMerge(id: Int64, source: WriteSource) throws -> [Record] {
        try writeTransaction("undo merge") { db in try undoMerge(id: id, source: source, db) }
    }

    /// `undoMerge` inside the caller's transaction.
    func undoMerge(id: Int64, source: WriteSource, _ db: Database) throws -> [Record] {
        guard let row = try Row.fetchOne(db, sql: "SELECT undone_at FROM merges WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound("no merge \(id)")
        }
        if let undone: String = row["undone_at"] {
            throw StoreError.refused("merge \(id) was already undone at \(undone)")
        }
        let revisions = try Self.revisionIDs(inBatch: "merge:\(id)", db)
        let now = clock()
        // Newest first: the survivor gives the losers' identifier values back before they take them.
        let tx = SQLiteTransaction(store: self, db: db)
        let restored = try revisions.map {
            try tx.revert(revision: $0, source: WriteSource(source.name, batch: "undo:merge:\(id)"), at: now)
        }
        try tx.finish()
        try db.execute(sql: "UPDATE merges SET undone_at = ? WHERE id = ?", arguments: [Timestamp.format(now), id])
        return restored.reversed()
    }

    func requireType(_ key: String, _ db: Database) throws -> ObjectType {
        guard let type = try objectType(key, db) else { throw StoreError.notFound("unknown object type \"\(key)\"") }
        return type
    }

    /// Plans a merge of `members` (the first is the survivor when `survivor` is given; else the master rules
    /// rank them) against the current state, with each field's set time read from the revisions.
    func mergePlan(
        type: ObjectType, members: [String], survivor: String?, take: [String: String], rules: MergeRuleSet,
        _ db: Database
    ) throws -> MergePlan {
        var records = try members.map { id in
            guard let r = try RecordRow.fetch(id: id, db) else {
                throw StoreError.notFound("no record with id \"\(id)\"")
            }
            return r
        }
        var reason: String?
        if survivor == nil {
            let ranked = MergePlanner.rank(records, rules: rules, childCounts: try childCounts(members, db))
            records = ranked.records; reason = ranked.reason
        }
        guard let survivorRecord = records.first else { throw StoreError.invalid("a merge needs records") }
        let losers = Array(records.dropFirst())
        let loserIDs = losers.map(\.id)
        let marks = databaseQuestionMarks(count: loserIDs.count)
        let args = StatementArguments(loserIDs)
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
                type: type, survivor: survivorRecord, losers: losers, take: take, children: children,
                referrers: referrers, rules: rules, fieldTimes: try fieldTimes(records.map(\.id), db),
                survivorReason: reason), now: clock())
    }

    /// How many records name each of `ids` as their parent.
    private func childCounts(_ ids: [String], _ db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT parent_id, count(*) FROM records WHERE parent_id IN (\(databaseQuestionMarks(count: ids.count))) GROUP BY parent_id",
            arguments: StatementArguments(ids))
        for row in rows { counts[row[0]] = row[1] }
        return counts
    }

    /// Per record, when each field's current value was set: the time of the revision that last changed it.
    func fieldTimes(_ ids: [String], _ db: Database) throws -> [String: [String: Date]] {
        var out: [String: [String: Date]] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: Self.revisionChainSQL(records: ids.count, columns: "record_id, after, at"),
            arguments: StatementArguments(ids))
        var current = "", previous: JSONObject = [:], times: [String: Date] = [:]
        func flush() { if !current.isEmpty { out[current] = times } }
        while let row = try rows.next() {
            let id: String = row[0]
            if id != current { flush(); current = id; previous = [:]; times = [:] }
            guard let after = try? JSONValue.parse(row[1] as String), let at = Timestamp.parse(row[2]) else { continue }
            var values: JSONObject = [:]
            // A compact revision leaves out what is null; a full one (written before) has it as null.
            for key in ["name", "external_id", "parent_id"] { values[key] = after[key] ?? .null }
            for (k, v) in after["data"]?.objectValue ?? [:] { values["data." + k] = v }
            for (field, value) in values where previous[field] != value { times[field] = at }
            previous = values
        }
        flush()
        return out
    }
}
