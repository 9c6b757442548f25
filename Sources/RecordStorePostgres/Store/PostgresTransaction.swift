import Foundation
import PostgresNIO
import RecordCore
import RecordStore

/// One transaction of the PostgreSQL store: the exchange flow's `StoreTransaction`.
public struct PostgresTransaction: StoreTransaction {
    let store: PostgresStore
    let link: PostgresLink
    let now: Date
    let state: TransactionState

    init(store: PostgresStore, link: PostgresLink, now: Date) {
        self.store = store; self.link = link; self.now = now
        state = TransactionState(lookup: PostgresLookup(link: link))
    }

    public func objectType(_ key: String) throws -> ObjectType? {
        guard let text = try link.rows("SELECT schema FROM types WHERE key = \(key)").first?.decode(String.self)
        else { return nil }
        return try store.parsedType(key, schema: text)
    }

    func planner() -> Planner {
        let lookup = state.lookup
        let now = now
        return Planner(lookup: lookup, now: now, makeID: { lookup.newID(now: now) }, remembers: true)
    }

    public func plan(_ request: UpsertRequest, type: ObjectType?) throws -> Plan {
        try planner().plan(request, type: type)
    }

    public func applyPlanned(_ request: UpsertRequest, type: ObjectType?, source: WriteSource) throws -> Plan {
        let planner = planner()
        if let type { try lock(type: type.key, keys: planner.probeKeys(request, type: type), requests: [request]) }
        let plan = try planner.plan(request, type: type)
        guard let type, !plan.replayed else { return plan }
        if plan.decision.writes {
            for w in plan.writes { try write(w, type: type, source: source, at: now) }
        }
        if let key = request.idempotencyKey, !plan.decision.isError {
            try link.execute(
                """
                INSERT INTO idempotency_keys(key, type, fingerprint, decision, record_id, at)
                VALUES (\(key), \(type.key), \(request.fingerprint), \(plan.decision.rawValue), \(plan.record?.id), \(now))
                """)
        }
        return plan
    }

    /// Locks every key the batch will probe at once (sorted: two batches cannot deadlock), fetches their
    /// holders in one query per identifier, then applies the items in order.
    public func applyBatch(_ items: [DecodedItem], type: ObjectType?, source: WriteSource, parkConflicts: String?)
        throws -> [Plan]
    {
        if let type {
            let planner = planner()
            var keys: [IdentifierKey] = []
            for case .success(let r) in items.lazy.map(\.request) { keys += planner.probeKeys(r, type: type) }
            let requests = items.compactMap { try? $0.request.get() }
            try lock(type: type.key, keys: keys, requests: requests)
            try state.lookup.prefetch(type: type.key, keys: keys)
        }
        // The batch's writes are held and written together at its end (or before anything reads the tables); a
        // small batch writes each at once (COPY, ANALYZE and the staging round trips cost more than they save).
        guard items.count >= PostgresBatchWriter.minimumItems else {
            return try applyEachOf(items, type: type, source: source, parkConflicts: parkConflicts)
        }
        let batch = PostgresBatchWriter()
        state.batch = batch
        state.lookup.beforeRead = { [link] in try batch.flush(link) }
        defer {
            state.batch = nil
            state.lookup.beforeRead = {}
        }
        let plans = try applyEachOf(items, type: type, source: source, parkConflicts: parkConflicts)
        try batch.flush(link)
        return plans
    }

    public func parkConflict(
        _ request: UpsertRequest, body: JSONValue, plan: Plan, dialect: String, source: WriteSource
    ) throws -> Int64 {
        let requestText = body.isNull ? "" : body.jsonText
        let row = try link.rows(
            """
            INSERT INTO conflicts(type, dialect, request, plan, record_id, source, batch, created_at)
            VALUES (\(request.type), \(dialect), \(requestText), \(plan.json.jsonText)::json, \(plan.match?.id),
                    \(source.name), \(source.batch), \(now))
            RETURNING id
            """)
        state.changed(type: request.type, conflict: true)
        return try row.first!.decode(Int64.self)
    }

    public func recordProcess(_ p: ProcessEntry) throws {
        try link.execute(
            """
            INSERT INTO processes(id, type, dialect, status, items, results, source, created_at)
            VALUES (\(p.id), \(p.type), \(p.dialect), \(p.status.rawValue), \(p.results.count),
                    \(JSONValue.array(p.results).jsonText)::json, \(p.source), \(p.createdAt))
            """)
    }

    public func appendRequest(_ e: JournalEntry) throws {
        var headers: JSONObject = [:]
        for (k, v) in e.headers { headers[k] = .string(v) }
        try link.execute(
            """
            INSERT INTO requests(at, dialect, method, path, query, headers, body, status, response, decision,
              record_id, process_id, ms, conflict_id, resolution)
            VALUES (\(e.at), \(e.dialect), \(e.method), \(e.path), \(e.query), \(JSONValue.object(headers).jsonText)::json,
              \(e.body), \(e.status), \(e.response), \(e.decision), \(e.recordID), \(e.processID), \(e.milliseconds),
              \(e.conflictID), \(e.resolution))
            """)
        state.journaled = true
    }

    public func record(id: String) throws -> Record? { try state.lookup.record(id: id) }

    public func records(type: String, identifier: String, value: String) throws -> [Record] {
        try state.lookup.records(type: type, identifier: identifier, value: value)
    }

    /// Writes one decided write: held by the batch being applied when it can wait (`PostgresBatchWriter`),
    /// else written now (after whatever the batch holds).
    public func write(_ write: RecordWrite, type: ObjectType, source: WriteSource, at now: Date) throws {
        if let batch = state.batch, batch.accepts(write) {
            let change = write.keyChanges ?? type.keyChanges(from: write.before, to: write.after)
            batch.add(write, change: change, cased: type.casedIdentifiers, source: source, at: now)
            PostgresWriter.note(write, state)
            state.lookup.remember(write.after, keys: change.keys, removed: change.removed)
            return
        }
        try state.batch?.flush(link)
        let touched = try PostgresWriter.apply(write, type: type, source: source, at: now, self)
        state.lookup.forget(type: write.after.type, keys: touched)
        state.lookup.forgetHeld(id: write.after.id)
    }

    static let revisionColumns = "id, record_id, version, op, after::text, source, batch, at, previous"

    public func revision(id: Int64) throws -> StoredRevision? {
        try link.rows("SELECT \(unescaped: Self.revisionColumns) FROM revisions WHERE id = \(id)").first.map(
            Self.revision)
    }

    public func revisions(ofRecord id: String) throws -> [StoredRevision] {
        try link.rows("SELECT \(unescaped: Self.revisionColumns) FROM revisions WHERE record_id = \(id) ORDER BY id")
            .map(Self.revision)
    }

    public func revisionIDs(inBatch batch: String) throws -> [Int64] {
        try link.rows("SELECT id FROM revisions WHERE batch = \(batch) ORDER BY id DESC").map {
            try $0.decode(Int64.self)
        }
    }

    static func revision(_ row: PostgresRow) throws -> StoredRevision {
        let (id, recordID, version, op, after, source, batch, at, previous) = try row.decode(
            (Int64, String, Int64, String, String, String, String?, Date, Int64?).self)
        guard let op = RevisionOp(rawValue: op) else {
            throw StoreError.invalid("revision \(id) has an unknown operation \"\(op)\"")
        }
        return StoredRevision(
            id: id, recordID: recordID, version: Int(version), op: op, after: after, source: source, batch: batch,
            at: at, previous: previous)
    }

    public func conflicts(pendingOnly: Bool) throws -> [ConflictEntry] {
        let filter = pendingOnly ? "WHERE status = 'pending'" : ""
        return try link.rows(
            """
            SELECT id, type, dialect, request, plan::text, record_id, status, resolution, created_at
            FROM conflicts \(unescaped: filter) ORDER BY id
            """
        ).map { row in
            let (id, type, dialect, request, plan, recordID, status, resolution, createdAt) = try row.decode(
                (Int64, String, String, String, String, String?, String, String?, Date).self)
            return ConflictEntry(
                id: id, type: type, dialect: dialect, request: request, plan: (try? JSONValue.parse(plan)) ?? .null,
                recordID: recordID, status: ConflictStatus(rawValue: status) ?? .pending, resolution: resolution,
                createdAt: Timestamp.format(createdAt))
        }
    }

    public func conflictStatus(id: Int64) throws -> String? {
        try link.rows("SELECT status FROM conflicts WHERE id = \(id)").first?.decode(String.self)
    }

    public func markResolved(conflict id: Int64, resolution: String, journal: String, at: Date) throws {
        let type = try link.rows(
            """
            UPDATE conflicts SET status = 'resolved', resolution = \(resolution), resolved_at = \(at) WHERE id = \(id)
            RETURNING type
            """
        ).first?.decode(String.self)
        try link.execute("UPDATE requests SET resolution = \(journal) WHERE conflict_id = \(id)")
        if let type { state.changed(type: type, conflict: true) }
    }

    /// Takes the transaction-scoped advisory locks on `keys` of `type` (and the requests' idempotency keys)
    /// this transaction does not hold yet, in sorted order. A writer planning the same key waits here until
    /// this transaction ends, then plans against what it wrote.
    func lock(type: String, keys: [IdentifierKey], requests: [UpsertRequest]) throws {
        let schema = store.server.schema
        var ids = keys.map { Self.lockID(schema, type, $0.identifier, $0.value) }
        for r in requests {
            if let key = r.idempotencyKey { ids.append(Self.lockID(schema, "\u{0}idempotency", "", key)) }
        }
        let wanted = Set(ids).subtracting(state.locked).sorted()
        guard !wanted.isEmpty else { return }
        try link.execute(
            """
            SELECT pg_advisory_xact_lock(k) FROM (SELECT k FROM unnest(\(wanted)::int8[]) AS u(k) ORDER BY k) s
            """)
        state.locked.formUnion(wanted)
    }

    /// A key's advisory lock: FNV-1a (64 bits) of its schema, type, identifier and value — the same in every
    /// process (Swift's own hashes are seeded per process).
    static func lockID(_ parts: String...) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
            h = (h ^ 0xff) &* 0x100_0000_01b3
        }
        return Int64(bitPattern: h)
    }

    /// Before the commit: the per-type count changes (in key order, so two writers lock `types` rows in one
    /// order), and one notification per changed type for every listening TUI.
    func finish() throws {
        for (type, change) in state.counts.sorted(by: { $0.key < $1.key }) where change != (0, 0) {
            try link.execute(
                """
                UPDATE types SET active = active + \(change.active), archived = archived + \(change.archived)
                WHERE key = \(type)
                """)
        }
        for note in state.notifications(source: "recdeck") {
            try link.execute("SELECT pg_notify(\(PostgresStore.channel(store.server.schema)), \(note))")
        }
    }
}

/// What a transaction keeps between its statements.
final class TransactionState {
    let lookup: PostgresLookup
    /// The advisory locks taken so far.
    var locked: Set<Int64> = []
    /// Per type, how the active and archived counts changed, written once before the commit.
    var counts: [String: (active: Int, archived: Int)] = [:]
    /// Per type, the records written (the first few ids, for the notification) and whether a conflict was
    /// parked.
    var changes: [String: (ids: [String], count: Int, conflicts: Bool)] = [:]
    var journaled = false
    /// The writes of the batch being applied, held until its end.
    var batch: PostgresBatchWriter?

    init(lookup: PostgresLookup) { self.lookup = lookup }

    func count(_ type: String, archived: Bool, by n: Int) {
        if archived { counts[type, default: (0, 0)].archived += n } else { counts[type, default: (0, 0)].active += n }
    }

    func changed(type: String, record id: String? = nil, conflict: Bool = false) {
        var c = changes[type] ?? ([], 0, false)
        if let id {
            c.count += 1
            if c.ids.count < 20 { c.ids.append(id) }
        }
        c.conflicts = c.conflicts || conflict
        changes[type] = c
    }

    /// The payloads `NOTIFY` sends at the commit: one JSON object per changed type (its first record ids, how
    /// many were written, whether a conflict was parked), and one for the journal.
    func notifications(source: String) -> [String] {
        var out = changes.sorted { $0.key < $1.key }.map { type, c -> String in
            JSONValue.object([
                "type": .string(type), "ids": .array(c.ids.map { .string($0) }), "count": .int(Int64(c.count)),
                "conflicts": .bool(c.conflicts),
            ]).jsonText
        }
        if journaled { out.append(#"{"journal":true}"#) }
        return out
    }
}

extension PostgresStore {
    /// The channel a store's commits are announced on (one per schema).
    static func channel(_ schema: String) -> String { "recdeck_\(schema)" }
}
