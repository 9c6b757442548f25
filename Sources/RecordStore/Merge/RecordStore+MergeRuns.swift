import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// Merges every group scoring at least `minScore` under the rule set, each in its own transaction,
    /// under one run id (DESIGN §10). A group whose plan is invalid now (a record archived or merged since
    /// the scan, a merged record that fails validation) or whose write is refused is skipped with the
    /// reason, never half-merged; groups below the score wait in the run's review queue. A dry run plans
    /// every group in one read and writes nothing (the run then has no id, and each group keeps its plan).
    /// `progress` gets the fraction done; returning false stops after the current group.
    public func autoMerge(
        type typeKey: String, groups: [DuplicateGroup], match: String, rules: MergeRuleSet, minScore: Double,
        dryRun: Bool, source: WriteSource, progress: (Double) -> Bool = { _ in true }
    ) throws -> MergeRun {
        let started = clock()
        let indexed = groups.enumerated().map { (position: $0.offset + 1, group: $0.element) }
        let sure = indexed.filter { $0.group.score >= minScore }
        let review = indexed.filter { $0.group.score < minScore }.map {
            MergeRunGroup(
                position: $0.position, recordIDs: $0.group.recordIDs, score: $0.group.score, reason: $0.group.reason,
                status: .review)
        }
        if dryRun {
            let planned = try read { db in
                let type = try requireType(typeKey, db)
                var out: [MergeRunGroup] = []
                for (n, item) in sure.enumerated() {
                    let plan = try mergePlan(
                        type: type, members: item.group.recordIDs, survivor: nil, take: [:], rules: rules, db)
                    out.append(outcome(item.position, item.group, plan: plan, mergeID: nil))
                    if !progress(Double(n + 1) / Double(max(1, sure.count))) { break }
                }
                return out
            }
            return MergeRun(
                id: nil, type: typeKey, match: match, rules: rules.name, minScore: minScore, startedAt: started,
                finishedAt: clock(), groups: (planned + review).sorted { $0.position < $1.position })
        }
        var rng = SystemRandomNumberGenerator()
        let runID = MergeRun.newID(now: started, random: &rng)
        try writeTransaction("merge run") { db in
            let type = try requireType(typeKey, db)
            try rules.check(for: type)
            try db.execute(
                sql: """
                    INSERT INTO merge_runs(id, type, match, rules, min_score, source, started_at) VALUES (?,?,?,?,?,?,?)
                    """,
                arguments: [
                    runID, typeKey, match, rules.json.jsonText, minScore, source.name, Timestamp.format(started),
                ])
            for g in review { try insert(g, run: runID, db) }
        }
        var done: [MergeRunGroup] = []
        for (n, item) in sure.enumerated() {
            do {
                done.append(
                    try writeTransaction("merge") { db in
                        let type = try requireType(typeKey, db)
                        let plan = try mergePlan(
                            type: type, members: item.group.recordIDs, survivor: nil, take: [:], rules: rules, db)
                        let id = plan.isValid ? try apply(plan, type: type, source: source, runID: runID, db) : nil
                        var g = outcome(item.position, item.group, plan: plan, mergeID: id)
                        try insert(g, run: runID, db)
                        g.plan = nil
                        return g
                    })
            } catch {
                // The group's writes rolled back; the skip is recorded on its own.
                let g = MergeRunGroup(
                    position: item.position, recordIDs: item.group.recordIDs, score: item.group.score,
                    reason: item.group.reason, status: .skipped, note: "\(error)")
                try writeTransaction("merge run") { db in try insert(g, run: runID, db) }
                done.append(g)
            }
            if !progress(Double(n + 1) / Double(max(1, sure.count))) { break }
        }
        let finished = clock()
        try writeTransaction("merge run") { db in
            try db.execute(
                sql: "UPDATE merge_runs SET finished_at = ? WHERE id = ?",
                arguments: [Timestamp.format(finished), runID])
        }
        return MergeRun(
            id: runID, type: typeKey, match: match, rules: rules.name, minScore: minScore, startedAt: started,
            finishedAt: finished, groups: (done + review).sorted { $0.position < $1.position })
    }

    /// A group's outcome from its plan: merged (with the survivor's reason) or skipped (with the errors).
    private func outcome(_ position: Int, _ group: DuplicateGroup, plan: MergePlan, mergeID: Int64?)
        -> MergeRunGroup
    {
        MergeRunGroup(
            position: position, recordIDs: group.recordIDs, score: group.score, reason: group.reason,
            status: plan.isValid ? .merged : .skipped,
            note: plan.isValid
                ? "survivor \(plan.survivorID) (\(plan.survivorReason))" : plan.errors.joined(separator: "; "),
            mergeID: mergeID, plan: plan)
    }

    private func insert(_ g: MergeRunGroup, run: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO merge_run_groups(run_id, position, record_ids, score, reason, status, note, merge_id)
                VALUES (?,?,?,?,?,?,?,?)
                ON CONFLICT(run_id, position) DO UPDATE SET status = excluded.status, note = excluded.note,
                    merge_id = excluded.merge_id
                """,
            arguments: [
                run, g.position, JSONValue.array(g.recordIDs.map(JSONValue.string)).jsonText, g.score, g.reason,
                g.status.rawValue, g.note, g.mergeID,
            ])
    }

    /// A run with its groups (all of them, or only those with `status`).
    public func mergeRun(_ id: String, status: MergeGroupStatus? = nil) throws -> MergeRun {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM merge_runs WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("no merge run \"\(id)\"; `recdeck merges` lists the runs")
            }
            var sql = "SELECT * FROM merge_run_groups WHERE run_id = ?"
            var args: [any DatabaseValueConvertible] = [id]
            if let status { sql += " AND status = ?"; args.append(status.rawValue) }
            let groups = try Row.fetchAll(db, sql: sql + " ORDER BY position", arguments: StatementArguments(args)).map(
                Self.runGroup)
            var run = try Self.run(row, counts: try runCounts(id, db))
            run.groups = groups
            return run
        }
    }

    /// Runs, newest first, with their counts (not their groups).
    public func mergeRuns(limit: Int = 50) throws -> [MergeRun] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM merge_runs ORDER BY started_at DESC, id DESC LIMIT ?", arguments: [limit]
            ).map { try Self.run($0, counts: try runCounts($0["id"], db)) }
        }
    }

    /// Merges, newest first.
    public func merges(limit: Int = 50) throws -> [MergeEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM merges ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                MergeEntry(
                    id: row["id"], type: row["type"], survivorID: row["survivor_id"],
                    loserIDs: (try? JSONValue.parse(row["loser_ids"] as String))?.arrayValue?.compactMap(\.stringValue)
                        ?? [], runID: row["run_id"], source: row["source"],
                    at: Timestamp.parse(row["at"]) ?? Date(timeIntervalSince1970: 0),
                    undoneAt: (row["undone_at"] as String?).flatMap(Timestamp.parse))
            }
        }
    }

    /// The newest run of a type with groups waiting for review, if any.
    public func runAwaitingReview(type: String?) throws -> String? {
        try read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT r.id FROM merge_runs r WHERE (? IS NULL OR r.type = ?) AND r.undone_at IS NULL
                    AND EXISTS (SELECT 1 FROM merge_run_groups g WHERE g.run_id = r.id AND g.status = 'review')
                    ORDER BY r.started_at DESC, r.id DESC LIMIT 1
                    """, arguments: [type, type])
        }
    }

    /// Plans a group waiting in a run's review queue by the run's rule set (or the hand-made `survivor` and
    /// `take`); writes nothing.
    public func planReview(run runID: String, position: Int, survivor: String? = nil, take: [String: String] = [:])
        throws -> MergePlan
    {
        try read { db in try reviewPlan(runID, position, survivor: survivor, take: take, db).2 }
    }

    /// Merges a group waiting in a run's review queue, by the run's rule set (or the hand-made `take` and
    /// `survivor`), in one transaction; the merge belongs to the run, so undoing the run undoes it too.
    public func acceptReview(
        run runID: String, position: Int, survivor: String? = nil, take: [String: String] = [:], source: WriteSource
    ) throws -> MergeOutcome {
        try writeTransaction("merge") { db in
            let (type, group, plan) = try reviewPlan(runID, position, survivor: survivor, take: take, db)
            guard plan.isValid else {
                throw StoreError.refused(plan.errors.joined(separator: "; ") + "; nothing written")
            }
            let id = try apply(plan, type: type, source: source, runID: runID, db)
            var g = group
            g.status = .accepted; g.mergeID = id; g.note = "survivor \(plan.survivorID) (\(plan.survivorReason))"
            try insert(g, run: runID, db)
            return MergeOutcome(id: id, plan: plan)
        }
    }

    private func reviewPlan(
        _ runID: String, _ position: Int, survivor: String?, take: [String: String], _ db: Database
    ) throws -> (ObjectType, MergeRunGroup, MergePlan) {
        let (run, group) = try reviewGroup(runID, position, db)
        let rules = try MergeRuleSet(json: JSONValue.parse(run["rules"] as String))
        let type = try requireType(run["type"], db)
        let members = survivor.map { s in [s] + group.recordIDs.filter { $0 != s } } ?? group.recordIDs
        let plan = try mergePlan(type: type, members: members, survivor: survivor, take: take, rules: rules, db)
        return (type, group, plan)
    }

    /// Marks a group in a run's review queue as dismissed (nothing merged).
    public func dismissReview(run runID: String, position: Int) throws {
        try writeTransaction("review") { db in
            var g = try reviewGroup(runID, position, db).1
            g.status = .dismissed; g.note = "dismissed in review"
            try insert(g, run: runID, db)
        }
    }

    private func reviewGroup(_ runID: String, _ position: Int, _ db: Database) throws -> (Row, MergeRunGroup) {
        guard let run = try Row.fetchOne(db, sql: "SELECT * FROM merge_runs WHERE id = ?", arguments: [runID]) else {
            throw StoreError.notFound("no merge run \"\(runID)\"; `recdeck merges` lists the runs")
        }
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM merge_run_groups WHERE run_id = ? AND position = ?",
                arguments: [runID, position])
        else { throw StoreError.notFound("run \(runID) has no group \(position)") }
        let group = try Self.runGroup(row)
        guard group.status == .review else {
            throw StoreError.refused("group \(position) of run \(runID) is \(group.status.rawValue), not in review")
        }
        return (run, group)
    }

    /// Undoes every merge of a run, newest first, each in its own transaction as `undoMerge` does. A merge
    /// whose records changed since is refused and named; the others are undone. The run is marked undone
    /// when none is left.
    public func undoRun(_ runID: String, source: WriteSource, progress: (Double) -> Bool = { _ in true }) throws
        -> MergeRunUndo
    {
        let merges = try read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM merge_runs WHERE id = ?", arguments: [runID]) != nil
            else {
                throw StoreError.notFound("no merge run \"\(runID)\"; `recdeck merges` lists the runs")
            }
            return try Row.fetchAll(
                db, sql: "SELECT id, survivor_id FROM merges WHERE run_id = ? AND undone_at IS NULL ORDER BY id DESC",
                arguments: [runID]
            ).map { (id: $0[0] as Int64, survivor: $0[1] as String) }
        }
        var undone: [Int64] = [], refused: [(Int64, String, String)] = [], restored = 0
        let undo = WriteSource(source.name, batch: nil)
        for (n, m) in merges.enumerated() {
            do {
                restored += try writeTransaction("undo merge") { db in try undoMerge(id: m.id, source: undo, db) }.count
                undone.append(m.id)
            } catch {
                refused.append((m.id, m.survivor, "\(error)"))
            }
            if !progress(Double(n + 1) / Double(max(1, merges.count))) { break }
        }
        if refused.isEmpty && undone.count == merges.count {
            try writeTransaction("undo run") { db in
                try db.execute(
                    sql: "UPDATE merge_runs SET undone_at = ? WHERE id = ?",
                    arguments: [Timestamp.format(clock()), runID])
            }
        }
        return MergeRunUndo(runID: runID, undone: undone, restoredRecords: restored, refused: refused)
    }

    private func runCounts(_ id: String, _ db: Database) throws -> [MergeGroupStatus: Int] {
        var counts: [MergeGroupStatus: Int] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT status, count(*) FROM merge_run_groups WHERE run_id = ? GROUP BY status", arguments: [id])
        {
            if let s = MergeGroupStatus(rawValue: row[0]) { counts[s] = row[1] }
        }
        return counts
    }

    private static func run(_ row: Row, counts: [MergeGroupStatus: Int]) throws -> MergeRun {
        let rules = (try? MergeRuleSet(json: JSONValue.parse(row["rules"] as String)))?.name ?? "?"
        return MergeRun(
            id: row["id"], type: row["type"], match: row["match"], rules: rules, minScore: row["min_score"],
            startedAt: Timestamp.parse(row["started_at"]) ?? Date(timeIntervalSince1970: 0),
            finishedAt: (row["finished_at"] as String?).flatMap(Timestamp.parse),
            undoneAt: (row["undone_at"] as String?).flatMap(Timestamp.parse), counts: counts)
    }

    private static func runGroup(_ row: Row) throws -> MergeRunGroup {
        MergeRunGroup(
            position: row["position"],
            recordIDs: try JSONValue.parse(row["record_ids"] as String).arrayValue?.compactMap(\.stringValue) ?? [],
            score: row["score"], reason: row["reason"], status: try row.decode("status"), note: row["note"],
            mergeID: row["merge_id"])
    }
}
