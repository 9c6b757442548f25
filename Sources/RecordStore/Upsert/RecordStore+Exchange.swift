import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// Performs an exchange: in one transaction the type is read once, the decoded items are planned
    /// (with `apply`, applied) and the exchange answers them. A process (bulk) applies its items in
    /// order and keeps their results under a new process id; a preview of it runs in a transaction that
    /// is rolled back, so later items still see earlier ones. The store builds no response itself.
    public func perform(_ exchange: Exchange, apply: Bool, source: WriteSource) throws -> ExchangeOutcome {
        if let refused = exchange.unreadableRefusal { return refused }
        guard exchange.dialect.answersWithProcess else {
            if apply {
                return try writeTransaction("upsert") { db in
                    try single(exchange, apply: true, source: source, db).outcome
                }
            }
            return try read { db in try single(exchange, apply: false, source: source, db).outcome }
        }
        return try process(exchange, apply: apply, source: source)
    }

    /// A single-record exchange inside the caller's transaction. With `parkConflicts`, a prompt-mode
    /// conflict is parked in the queue under the exchange's dialect (its id comes back).
    func single(
        _ exchange: Exchange, apply: Bool, source: WriteSource, parkConflicts: Bool = false, _ db: Database
    ) throws -> (outcome: ExchangeOutcome, conflictID: Int64?) {
        let (decoding, type) = try decode(exchange, db)
        let batch: DecodedBatch
        switch decoding {
        case .refused(let refused): return (refused, nil)
        case .items(let b): batch = b
        }
        let item = batch.items[0]
        var plan: Plan
        var conflictID: Int64?
        switch item.request {
        case .failure(let e): plan = .invalid(e)
        case .success(let r):
            plan = apply ? try applyPlanned(r, type: type, source: source, db) : try planner(db).plan(r, type: type)
            if apply, parkConflicts, plan.decision == .conflict {
                conflictID = try parkConflict(
                    r, body: item.body, plan: plan, dialect: exchange.dialect.name, source: source, db)
            }
        }
        plan.warnings = item.warnings + plan.warnings
        let outcome = exchange.answer(
            [plan], items: batch.items, type: type, processID: nil, committed: apply && plan.decision.writes)
        return (outcome, conflictID)
    }

    /// A bulk exchange: its items applied in order under one process id.
    private func process(_ exchange: Exchange, apply: Bool, source: WriteSource) throws -> ExchangeOutcome {
        var rng = SystemRandomNumberGenerator()
        let processID = Exchange.newProcessID(now: clock(), random: &rng)
        let source = WriteSource(source.name, batch: source.batch ?? processID)
        func record(_ outcome: ExchangeOutcome, _ db: Database) throws {
            try db.execute(
                sql: """
                    INSERT INTO processes(id, type, dialect, status, items, results, source, created_at)
                    VALUES (?,?,?,?,?,?,?,?)
                    """,
                arguments: [
                    processID, exchange.typeKey, exchange.dialect.name,
                    (outcome.committed ? ProcessStatus.complete : .rolledBack).rawValue, outcome.results.count,
                    JSONValue.array(outcome.results).jsonText, source.name, Timestamp.format(clock()),
                ])
        }
        guard apply else {
            func preview(_ db: Database) throws -> ExchangeOutcome {
                switch try decode(exchange, db) {
                case (.refused(let refused), _): return refused
                case (.items(let batch), let type):
                    // A read-only store cannot run the rolled-back preview: each item is planned on its own.
                    let plans =
                        readOnly
                        ? try batch.items.map { item in
                            var p = try plan(item, type: type, db)
                            p.warnings.append(Messages.readOnlyBatchPreview)
                            return p
                        }
                        : try applyBatch(batch.items, type: type, source: source, parkConflicts: nil, db)
                    return exchange.answer(
                        plans, items: batch.items, type: type, processID: processID, committed: false)
                }
            }
            return try readOnly ? read(preview) : rolledBackTransaction("bulk preview", preview)
        }
        // The batch and its process row commit together; an atomic batch with a failed item rolls back
        // whole, and only its process row is then written.
        let outcome = try writeTransaction("bulk upsert", commitIf: { $0.committed }) { db -> ExchangeOutcome in
            switch try decode(exchange, db) {
            case (.refused(let refused), _): return refused
            case (.items(let batch), let type):
                let plans = try applyBatch(
                    batch.items, type: type, source: source, parkConflicts: batch.atomic ? nil : exchange.dialect.name,
                    db)
                let commits = !batch.atomic || !plans.contains { $0.decision.isError }
                let outcome = exchange.answer(
                    plans, items: batch.items, type: type, processID: processID, committed: commits)
                if commits { try record(outcome, db) }
                return outcome
            }
        }
        if !outcome.committed && !outcome.refused {
            try writeTransaction("bulk process") { db in try record(outcome, db) }
        }
        return outcome
    }

    /// The exchange decoded against its type, read once inside the caller's transaction.
    private func decode(_ exchange: Exchange, _ db: Database) throws -> (Exchange.Decoding, ObjectType?) {
        let type = try exchange.typeKey.flatMap { try objectType($0, db) }
        return (exchange.decode(type: type), type)
    }

    /// One decoded item planned against the current state, its decoding warnings first.
    private func plan(_ item: DecodedItem, type: ObjectType?, _ db: Database) throws -> Plan {
        var plan: Plan
        switch item.request {
        case .failure(let e): plan = .invalid(e)
        case .success(let r): plan = try planner(db).plan(r, type: type)
        }
        plan.warnings = item.warnings + plan.warnings
        return plan
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
            id: row["id"], type: row["type"], dialect: row["dialect"], status: try row.decode("status"),
            results: results,
            createdAt: row["created_at"])
    }
}
