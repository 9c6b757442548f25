import Foundation
import RecordCore

extension TransactionalStore {
    /// Performs an exchange: in one transaction the type is read once, the decoded items are planned
    /// (with `apply`, applied) and the exchange answers them. A process (bulk) applies its items in
    /// order and keeps their results under a new process id; a preview of it runs in a transaction that
    /// is rolled back, so later items still see earlier ones. The store builds no response itself.
    public func perform(_ exchange: Exchange, apply: Bool, source: WriteSource) throws -> ExchangeOutcome {
        if let refused = exchange.unreadableRefusal { return refused }
        guard exchange.dialect.answersWithProcess else {
            if apply {
                return try inWriteTransaction("upsert", commitIf: { _ in true }) { tx in
                    try single(exchange, apply: true, source: source, tx).outcome
                }
            }
            return try inReadTransaction { tx in try single(exchange, apply: false, source: source, tx).outcome }
        }
        return try process(exchange, apply: apply, source: source)
    }

    /// A single-record exchange inside the caller's transaction. With `parkConflicts`, a prompt-mode
    /// conflict is parked in the queue under the exchange's dialect (its id comes back).
    func single(
        _ exchange: Exchange, apply: Bool, source: WriteSource, parkConflicts: Bool = false, _ tx: Transaction
    ) throws -> (outcome: ExchangeOutcome, conflictID: Int64?) {
        let (decoding, type) = try decode(exchange, tx)
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
            plan = apply ? try tx.applyPlanned(r, type: type, source: source) : try tx.plan(r, type: type)
            if apply, parkConflicts, plan.decision == .conflict {
                conflictID = try tx.parkConflict(
                    r, body: item.body, plan: plan, dialect: exchange.dialect.name, source: source)
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
        let processID = Exchange.newProcessID(now: now(), random: &rng)
        let source = WriteSource(source.name, batch: source.batch ?? processID)
        func record(_ outcome: ExchangeOutcome, _ tx: Transaction) throws {
            try tx.recordProcess(
                ProcessEntry(
                    id: processID, type: exchange.typeKey, dialect: exchange.dialect.name,
                    status: outcome.committed ? .complete : .rolledBack, results: outcome.results,
                    source: source.name, createdAt: now()))
        }
        guard apply else {
            func preview(_ tx: Transaction) throws -> ExchangeOutcome {
                switch try decode(exchange, tx) {
                case (.refused(let refused), _): return refused
                case (.items(let batch), let type):
                    // A read-only store cannot run the rolled-back preview: each item is planned on its own.
                    let plans =
                        readOnly
                        ? try batch.items.map { item in
                            var p = try plan(item, type: type, tx)
                            p.warnings.append(Messages.readOnlyBatchPreview)
                            return p
                        }
                        : try tx.applyBatch(batch.items, type: type, source: source, parkConflicts: nil)
                    return exchange.answer(
                        plans, items: batch.items, type: type, processID: processID, committed: false)
                }
            }
            return try readOnly
                ? inReadTransaction(preview) : inWriteTransaction("bulk preview", commitIf: { _ in false }, preview)
        }
        // The batch and its process row commit together; an atomic batch with a failed item rolls back
        // whole, and only its process row is then written.
        let outcome = try inWriteTransaction("bulk upsert", commitIf: { $0.committed }) { tx -> ExchangeOutcome in
            switch try decode(exchange, tx) {
            case (.refused(let refused), _): return refused
            case (.items(let batch), let type):
                let plans = try tx.applyBatch(
                    batch.items, type: type, source: source, parkConflicts: batch.atomic ? nil : exchange.dialect.name)
                let commits = !batch.atomic || !plans.contains { $0.decision.isError }
                let outcome = exchange.answer(
                    plans, items: batch.items, type: type, processID: processID, committed: commits)
                if commits { try record(outcome, tx) }
                return outcome
            }
        }
        if !outcome.committed && !outcome.refused {
            try inWriteTransaction("bulk process", commitIf: { _ in true }) { tx in try record(outcome, tx) }
        }
        return outcome
    }

    /// The exchange decoded against its type, read once inside the caller's transaction.
    private func decode(_ exchange: Exchange, _ tx: Transaction) throws -> (Exchange.Decoding, ObjectType?) {
        let type = try exchange.typeKey.flatMap { try tx.objectType($0) }
        return (exchange.decode(type: type), type)
    }

    /// One decoded item planned against the current state, its decoding warnings first.
    private func plan(_ item: DecodedItem, type: ObjectType?, _ tx: Transaction) throws -> Plan {
        var plan: Plan
        switch item.request {
        case .failure(let e): plan = .invalid(e)
        case .success(let r): plan = try tx.plan(r, type: type)
        }
        plan.warnings = item.warnings + plan.warnings
        return plan
    }

    /// Applies single-record exchanges that arrived together in one transaction (group commit); each is
    /// journaled in the same transaction as its write, and a prompt-mode conflict is parked in the queue (the
    /// journal names it). Later requests see earlier ones, as if they had come one after another. Should one
    /// of them fail (a store error, not a refused request), the group is rolled back whole and each request
    /// is applied again in its own transaction, so the failure stays its own. (No savepoint per request:
    /// their sub-journals cost more than the rare retry.) Bulk exchanges (a process of their own) are refused
    /// here: `perform` applies them.
    public func serve(_ requests: [ServedRequest], source: WriteSource) throws -> [Result<
        ExchangeOutcome, ServeFailure
    >] {
        precondition(!requests.contains { $0.exchange.dialect.answersWithProcess }, "bulk exchanges go to perform")
        if let together = try? inWriteTransaction(
            "serve", commitIf: { _ in true },
            { tx in
                try requests.map { try served($0, source: source, tx) }
            })
        {
            return together.map { .success($0) }
        }
        return requests.map { request in
            do {
                return .success(
                    try inWriteTransaction("serve", commitIf: { _ in true }) { tx in
                        try served(request, source: source, tx)
                    })
            } catch {
                return .failure(ServeFailure(message: "\(error)"))
            }
        }
    }

    /// One served request applied and journaled inside the caller's transaction.
    private func served(_ request: ServedRequest, source: WriteSource, _ tx: Transaction) throws -> ExchangeOutcome {
        let answer = try single(request.exchange, apply: true, source: source, parkConflicts: true, tx)
        var entry = request.journal(answer.outcome)
        entry.conflictID = answer.conflictID
        try tx.appendRequest(entry)
        return answer.outcome
    }
}
