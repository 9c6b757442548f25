import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// Decodes raw body bytes and handles the request; an unreadable body is answered in the dialect's
    /// own error envelope.
    public func exchange(
        _ dialect: any Dialect, type: String?, query: [(String, String)] = [], bytes: [UInt8],
        apply: Bool, source: WriteSource
    ) throws -> DialectExchange {
        switch Result(catching: { () throws(RequestError) -> DialectRequest in
            try DialectRequest(type: type, query: query, bytes: bytes)
        }) {
        case .success(let request): return try exchange(dialect, request, apply: apply, source: source)
        case .failure(let e):
            return refusal(
                dialect, DialectRequest(type: type, query: query, body: .null), plan: .invalid(e), objectType: nil)
        }
    }

    /// Handles one native request: decode, plan (and with `apply`, write) every item in one
    /// transaction, encode the native response. A bulk batch applies its items in order and keeps
    /// their results under a new process id; a preview of a batch runs it in a transaction that is
    /// rolled back, so later items still see earlier ones.
    public func exchange(_ dialect: any Dialect, _ request: DialectRequest, apply: Bool, source: WriteSource) throws
        -> DialectExchange
    {
        let key = dialect.typeKey(of: request)
        let type = try key.flatMap { try objectType($0) }
        let batch: DecodedBatch
        switch dialect.decode(request, type: type) {
        case .failure(let e): return refusal(dialect, request, plan: .invalid(e), objectType: type)
        case .success(let b): batch = b
        }
        guard dialect.isBatch, let key else {
            guard let item = batch.items.first else {
                return refusal(
                    dialect, request, plan: .invalid([FieldError(field: "body", message: "no request")]),
                    objectType: type)
            }
            let plan = try handle(item, apply: apply, source: source)
            return DialectExchange(
                plans: [plan], response: dialect.response(to: [plan], request: request, type: type, processID: nil),
                results: [dialect.itemResult(plan, index: 0)], processID: nil, refused: false,
                committed: apply && plan.decision.writes)
        }
        var rng = SystemRandomNumberGenerator()
        let processID = "proc_" + RecordID.make(now: clock(), random: &rng).dropFirst(4)
        let source = WriteSource(source.name, batch: source.batch ?? processID)
        func results(_ plans: [Plan], committed: Bool) -> [JSONValue] {
            plans.enumerated().map { i, plan -> JSONValue in
                var r = dialect.itemResult(plan, index: i)
                if case .object(var o) = r { o["applied"] = .bool(committed && plan.decision.writes); r = .object(o) }
                return r
            }
        }
        func record(_ results: [JSONValue], committed: Bool, _ db: Database) throws {
            try db.execute(
                sql:
                    "INSERT INTO processes(id, type, dialect, status, items, results, source, created_at) VALUES (?,?,?,?,?,?,?,?)",
                arguments: [
                    processID, key, dialect.name, committed ? "complete" : "rolled_back", results.count,
                    JSONValue.array(results).jsonText, source.name, Timestamp.format(clock()),
                ])
        }
        /// An atomic batch commits only when no record failed.
        func commits(_ plans: [Plan]) -> Bool { !batch.atomic || !plans.contains { $0.decision.isError } }
        let plans: [Plan]
        var committed = false
        if apply {
            // The batch and its process row commit together; an atomic batch with a failed item rolls
            // back whole, and only its process row is then written.
            plans = try writeTransaction("bulk upsert", commitIf: commits) { db in
                let plans = try applyBatch(
                    batch.items, type: key, source: source, parkConflicts: batch.atomic ? nil : dialect.name, db)
                if commits(plans) { try record(results(plans, committed: true), committed: true, db) }
                return plans
            }
            committed = commits(plans)
            if !committed {
                try writeTransaction("bulk process") { db in
                    try record(results(plans, committed: false), committed: false, db)
                }
            }
        } else if !readOnly {
            plans = try rolledBackTransaction("bulk preview") { db in
                try applyBatch(batch.items, type: key, source: source, parkConflicts: nil, db)
            }
        } else {
            // A read-only store cannot run the rolled-back preview: each item is planned against the current state.
            plans = try batch.items.map { item in
                var p = try handle(item, apply: false, source: source)
                p.warnings.append(
                    "read-only preview: planned against the stored state, without earlier items of the batch")
                return p
            }
        }
        return DialectExchange(
            plans: plans, response: dialect.response(to: plans, request: request, type: type, processID: processID),
            results: results(plans, committed: committed), processID: processID, refused: false, committed: committed)
    }
    /// One decoded item planned (with `apply`: applied in its own transaction), its decoding warnings first.
    private func handle(_ item: DecodedItem, apply: Bool, source: WriteSource) throws -> Plan {
        var plan: Plan
        switch item.request {
        case .failure(let e): plan = .invalid(e)
        case .success(let r): plan = apply ? try upsert(r, source: source) : try self.plan(r)
        }
        plan.warnings = item.warnings + plan.warnings
        return plan
    }

    private func refusal(_ dialect: any Dialect, _ request: DialectRequest, plan: Plan, objectType: ObjectType?)
        -> DialectExchange
    {
        DialectExchange(
            plans: [plan], response: dialect.response(to: [plan], request: request, type: objectType, processID: nil),
            results: [], processID: nil, refused: true, committed: false)
    }

    /// The process a bulk request's 202 answer named.
    public func process(id: String) throws -> BulkProcess? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM processes WHERE id = ?", arguments: [id]).map(Self.process)
        }
    }

    /// The most recent bulk processes, newest first.
    public func recentProcesses(limit: Int = 20) throws -> [BulkProcess] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM processes ORDER BY created_at DESC, rowid DESC LIMIT ?", arguments: [limit]
            ).map(Self.process)
        }
    }

    private static func process(_ row: Row) throws -> BulkProcess {
        let text: String = row["results"]
        let results: [JSONValue]
        do { results = try JSONValue.parse(text).arrayValue ?? [] } catch {
            throw StoreError.invalid("stored results of process \(row["id"] as String) are unreadable")
        }
        return BulkProcess(
            id: row["id"], type: row["type"], dialect: row["dialect"], status: row["status"], results: results,
            createdAt: row["created_at"])
    }
}
