import Foundation
import GRDB
import RecordCore

/// One item of an import: a decoded request (or why it could not be decoded) and its request JSON.
public struct ImportItem: Sendable {
    public var request: Result<UpsertRequest, RequestError>
    /// The item's request JSON; serialised only when a conflict is parked in the queue.
    public var body: JSONValue?
    /// Where the item came from ("line 12"), for error messages.
    public var label: String
    public init(request: Result<UpsertRequest, RequestError>, body: JSONValue?, label: String = "") {
        self.request = request; self.body = body; self.label = label
    }
}

/// An item a batch plans: its request, the native JSON a parked conflict keeps, and decoding warnings.
/// Import items are planned as they are read, not first copied into `DecodedItem`s.
protocol BatchItem {
    var request: Result<UpsertRequest, RequestError> { get }
    var nativeBody: JSONValue { get }
    var warnings: [String] { get }
}

extension DecodedItem: BatchItem {
    var nativeBody: JSONValue { body }
}

extension ImportItem: BatchItem {
    var nativeBody: JSONValue { body ?? .null }
    var warnings: [String] { [] }
}

extension RecordStore {
    func planner(_ db: Database, lookup: StoreLookup? = nil) -> Planner {
        let lookup = lookup ?? StoreLookup(db: db)
        let now = clock()
        return Planner(lookup: lookup, now: now, makeID: { lookup.newID(now: now) }, remembers: true)
    }

    func objectType(_ key: String, _ db: Database) throws -> ObjectType? {
        guard
            let text = try String.fetchOne(
                db.cachedStatement(sql: "SELECT schema FROM types WHERE key = ?"), arguments: [key])
        else { return nil }
        if let type = parsedTypes.type(key, schema: text) { return type }
        do {
            let type = try ObjectType(json: JSONValue.parse(text))
            parsedTypes.keep(type, schema: text)
            return type
        } catch {
            throw StoreError.invalid("stored schema of type \(key) is unreadable: \(error)")
        }
    }

    func applyPlanned(
        _ request: UpsertRequest, type: ObjectType?, source: WriteSource, lookup: StoreLookup? = nil,
        statements: WriteStatements? = nil, _ db: Database
    ) throws -> Plan {
        let planner = planner(db, lookup: lookup)
        let plan = try planner.plan(request, type: type)
        guard let type, !plan.replayed else { return plan }
        if plan.decision.writes {
            for w in plan.writes {
                let touched = try WriteApplier.apply(
                    w, type: type, source: source, at: planner.now, db, statements: statements)
                // What a batch fetched ahead for the keys this record held, before and after, is stale now.
                lookup?.forget(type: w.after.type, keys: touched)
            }
        }
        if let key = request.idempotencyKey, !plan.decision.isError {
            try statements?.drain()
            try db.execute(
                sql:
                    "INSERT INTO idempotency_keys(key, type, fingerprint, decision, record_id, at) VALUES (?,?,?,?,?,?)",
                arguments: [
                    key, type.key, request.fingerprint, plan.decision.rawValue, plan.record?.id,
                    Timestamp.format(planner.now),
                ])
        }
        return plan
    }

    /// Applies one batch of import items in one transaction, in order (a later item sees an earlier
    /// one's effect). Prompt-mode conflicts are parked in the conflict queue, not failed.
    ///
    /// `next`, the batch that will follow (when it is already read): its key probes are answered during
    /// this batch by the writer thread when it has room, and kept for it (`CarriedPrefetch`).
    public func importBatch(
        _ items: [ImportItem], type typeKey: String, source: WriteSource, next: [ImportItem] = []
    ) throws -> [Plan] {
        let ahead = carried.carrying ? next.map { DecodedItem(request: $0.request, body: .null) } : []
        do {
            return try writeTransaction("import", keepsCarriedProbes: true, commitIf: { _ in true }) { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0
                let outcome = try applyBatch(
                    items, type: objectType(typeKey, db), source: source, parkConflicts: "native",
                    carried: carried.take(type: typeKey, dataVersion: version), ahead: ahead, db)
                // Kept inside the transaction, so no other batch of this store runs between the writes and
                // the keeping (a failed commit clears it below).
                if let found = outcome.ahead { carried.keep(type: typeKey, dataVersion: version, found: found) }
                carried.carrying = !outcome.writerBehind
                return outcome.plans
            }
        } catch {
            carried.clear()
            throw error
        }
    }

    /// Parks a prompt-mode conflict in the queue (the caller's transaction); returns its id.
    @discardableResult
    func parkConflict(
        _ request: UpsertRequest, body: JSONValue, plan: Plan, dialect: String, source: WriteSource, _ db: Database
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO conflicts(type, dialect, request, plan, record_id, source, batch, created_at) VALUES (?,?,?,?,?,?,?,?)
                """,
            arguments: [
                request.type, dialect, body.isNull ? "" : body.jsonText, plan.json.jsonText,
                plan.match?.id, source.name, source.batch, Timestamp.format(clock()),
            ])
        return db.lastInsertedRowID
    }

    /// Plans and applies items in order inside the caller's transaction; decoding warnings join each plan.
    /// With `parkConflicts` (the items' dialect), prompt-mode conflicts are parked in the queue.
    func applyBatch(
        _ items: [DecodedItem], type: ObjectType?, source: WriteSource, parkConflicts: String?, _ db: Database
    ) throws -> [Plan] {
        try applyBatch(items, type: type, source: source, parkConflicts: parkConflicts, carried: nil, ahead: [], db)
            .plans
    }

    /// `applyBatch`, starting from answers carried from the batch before (`carried`), and answering the
    /// probes of the batch after (`ahead`) on the writer thread: those answers, less every key this
    /// batch's writes touched, come back with the plans.
    func applyBatch<Item: BatchItem>(
        _ items: [Item], type: ObjectType?, source: WriteSource, parkConflicts: String?,
        carried: [IdentifierKey: [Record]]?, ahead: [DecodedItem], _ db: Database
    ) throws -> (plans: [Plan], ahead: [IdentifierKey: [Record]]?, writerBehind: Bool) {
        // Row writes run on a second thread while the next item is planned (`WritePipeline`); it stops before
        // the transaction ends, whether it commits or rolls back.
        let pipeline = WritePipeline()
        defer { pipeline.stop() }
        let queued = try queueBatch(
            items, type: type, source: source, parkConflicts: parkConflicts, carried: carried, ahead: ahead,
            pipeline: pipeline, db)
        try pipeline.drain()
        // Measured in time, not queue length: the queue grows for a moment at a batch's start while the
        // writer answers the next batch's probes, which made updates look writer-bound every other batch.
        return (queued.plans, queued.ahead.found.map(queued.kept), pipeline.writerBehind)
    }

    /// Plans `items` in order and queues their writes, and the batch's closing writes (counts, revision
    /// ranges), on `pipeline`, without waiting for them: the caller drains or commits behind them. The
    /// probes of `ahead` are queued first, so they read the state before this batch's writes.
    /// `keys`: the batch's probe keys, when the caller already worked them out (to ask for them ahead).
    func queueBatch<Item: BatchItem>(
        _ items: [Item], type: ObjectType?, source: WriteSource, parkConflicts: String?,
        carried: [IdentifierKey: [Record]]?, ahead: [DecodedItem], pipeline: WritePipeline,
        keys: [IdentifierKey]? = nil,
        _ db: Database
    ) throws -> QueuedBatch {
        var plans: [Plan] = []
        plans.reserveCapacity(items.count)
        let lookup = StoreLookup(db: db, pipeline: pipeline)
        let statements = WriteStatements(db, pipeline: pipeline)
        // Batch planning: every key the batch's requests will probe, fetched in one query per identifier
        // (less those the batch before answered).
        var answersAhead = AnswersBox()
        if let type {
            if let carried { lookup.adopt(carried, type: type.key) }
            let probe = planner(db, lookup: lookup)
            try lookup.prefetch(type: type.key, keys: keys ?? probeKeys(items.lazy.map(\.request), type: type, probe))
            if !ahead.isEmpty {
                answersAhead = try lookup.prefetchQuery(
                    type: type.key, keys: probeKeys(ahead.lazy.map(\.request), type: type, probe)
                ).queue(on: pipeline)
            }
        }
        for item in items {
            var plan: Plan
            switch item.request {
            case .failure(let e):
                plan = .invalid(e)
            case .success(let request):
                plan = try applyPlanned(
                    request, type: type, source: source, lookup: lookup, statements: statements, db)
                if let dialect = parkConflicts, plan.decision == .conflict {
                    try statements.drain()
                    try parkConflict(request, body: item.nativeBody, plan: plan, dialect: dialect, source: source, db)
                }
            }
            if !item.warnings.isEmpty { plan.warnings = item.warnings + plan.warnings }
            plans.append(plan)
        }
        try statements.queueFinish()
        return QueuedBatch(plans: plans, ahead: answersAhead, forgotten: lookup.forgotten)
    }
}

extension RecordStore {
    /// Every key these requests will probe (decides nothing); requests that failed to decode probe none.
    func probeKeys(
        _ requests: some Sequence<Result<UpsertRequest, RequestError>>, type: ObjectType, _ planner: Planner
    ) -> [IdentifierKey] {
        var keys: [IdentifierKey] = []
        for case .success(let r) in requests { keys += planner.probeKeys(r, type: type) }
        return keys
    }
}

/// A batch planned and queued (`queueBatch`): its plans, and the next batch's probe answers once the
/// writer thread has them.
struct QueuedBatch {
    var plans: [Plan]
    let ahead: AnswersBox
    /// The hashes of the keys this batch's writes touched: answered anew by the next batch.
    let forgotten: Set<Int>

    /// The answers of the next batch's probes that still hold after this batch.
    func kept(_ found: [IdentifierKey: [Record]]) -> [IdentifierKey: [Record]] {
        StoreLookup.answers(found, lessTouched: [forgotten])
    }
}

/// Answers a writer-thread job hands back (set through `WritePipeline.publish`; read after a drain or
/// under the pipeline's lock).
final class AnswersBox: @unchecked Sendable {
    var found: [IdentifierKey: [Record]]?
}

extension PrefetchQuery {
    /// Runs the query on `pipeline`'s thread, handed over at once; its answers come back in the box.
    func queue(on pipeline: WritePipeline) throws -> AnswersBox {
        let answers = AnswersBox()
        try pipeline.submit(handNow: true) {
            let found = try run()
            pipeline.publish { answers.found = found }
        }
        return answers
    }
}
