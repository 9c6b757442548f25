import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// Resolves a parked conflict: applies `request` (the parked request with the chosen archive mode) and
    /// marks the entry resolved, in one transaction. A nil request skips: the entry is marked and nothing
    /// else is written. Returns the applied plan (nil when skipped); an entry already resolved is refused.
    @discardableResult
    public func resolveConflict(id: Int64, request: UpsertRequest?, resolution: String, source: WriteSource) throws
        -> Plan?
    {
        try writeTransaction("resolve conflict") { db in
            guard
                let status = try String.fetchOne(db, sql: "SELECT status FROM conflicts WHERE id = ?", arguments: [id])
            else {
                throw StoreError.notFound("no conflict \(id) in the queue")
            }
            guard status == "pending" else {
                throw StoreError.refused("conflict \(id) is already \(status); nothing written")
            }
            var plan: Plan?
            if let request {
                let p = try applyPlanned(request, type: objectType(request.type, db), source: source, db)
                guard p.decision.writes || p.decision == .unchanged else {
                    throw StoreError.refused(
                        "conflict \(id): \(resolution) gave \(p.decision.rawValue) (\(p.errorSummary)); nothing written"
                    )
                }
                plan = p
            }
            try db.execute(
                sql: "UPDATE conflicts SET status = 'resolved', resolution = ?, resolved_at = ? WHERE id = ?",
                arguments: [resolution, Timestamp.format(clock()), id])
            // A conflict the sandbox server parked: its journal entry shows what was chosen.
            try db.execute(
                sql: "UPDATE requests SET resolution = ? WHERE conflict_id = ?",
                arguments: [
                    plan.map {
                        $0.decision.rawValue == resolution ? resolution : "\(resolution): \($0.decision.rawValue)"
                    }
                        ?? resolution, id,
                ])
            return plan
        }
    }

}
