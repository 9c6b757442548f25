import Foundation
import GRDB
import RecordCore

/// Answers the planner's questions from the database, inside the caller's transaction. One lookup serves a
/// whole batch and keeps its key statement prepared (finding it by its SQL text cost more than running it).
final class StoreLookup: RecordLookup {
    let db: Database
    private var byKey: RawStatement?
    /// A batch's writer thread: every query here waits for its queued writes first.
    private let pipeline: WritePipeline?

    /// Record ids' random bits: a generator seeded once from the system's (one `getrandom` per batch, not
    /// two per record).
    private var random = SeededGenerator()

    init(db: Database, pipeline: WritePipeline? = nil) { self.db = db; self.pipeline = pipeline }

    /// A new record id (UUIDv7) for a record created at `now`.
    func newID(now: Date) -> String { RecordID.make(now: now, random: &random) }

    static let byKeySQL = """
        SELECT \(RecordRow.joinedColumns)
        FROM record_keys k JOIN records r ON r.seq = k.record_seq
        WHERE k.type = ? AND k.identifier = ? AND k.value = ?
        ORDER BY r.seq
        """

    /// Keys fetched per query.
    static let prefetchChunk = 500

    /// The holders of `count` keys of one identifier, with each row's key value.
    static func prefetchSQL(count: Int) -> String {
        """
        SELECT \(RecordRow.joinedColumns), k.value
        FROM record_keys k JOIN records r ON r.seq = k.record_seq
        WHERE k.type = ? AND k.identifier = ? AND k.value IN (\(databaseQuestionMarks(count: count)))
        """
    }

    static let fullChunkSQL = prefetchSQL(count: prefetchChunk)

    /// Key probes answered so far, by type: ahead for a batch (`prefetch`, `adopt`) or one by one
    /// (`records`); a write forgets the keys it touched.
    private var fetched: [String: [IdentifierKey: [Record]]] = [:]

    /// Fetches the holder of every key in one query per identifier (chunks of 500 values); a key no record holds
    /// is remembered as empty, so an import's creates make no probe at all.
    func prefetch(type: String, keys: [IdentifierKey]) throws {
        // Each write forgets its record's keys: sized for the batch once, not grown (and rehashed) ten times.
        forgotten.reserveCapacity(forgotten.count + keys.count)
        let query = try prefetchQuery(type: type, keys: keys)
        guard !query.isEmpty else { return }
        try pipeline?.drain()
        adopt(try query.run(), type: type)
    }

    /// The queries fetching `keys` not already answered, prepared here (on the connection's thread); `run`
    /// them whenever the connection is free.
    func prefetchQuery(type: String, keys: [IdentifierKey]) throws -> PrefetchQuery {
        try Self.prefetchQuery(type: type, keys: keys, held: fetched[type] ?? [:], db)
    }

    /// The queries fetching `keys` less those in `held`, prepared on `db`.
    static func prefetchQuery(
        type: String, keys: [IdentifierKey], held: [IdentifierKey: [Record]], _ db: Database
    ) throws -> PrefetchQuery {
        var byIdentifier: [String: Set<String>] = [:]
        for k in keys where held[k] == nil {
            byIdentifier[k.identifier, default: Set(minimumCapacity: keys.count)].insert(k.value)
        }
        var query = PrefetchQuery()
        for (identifier, values) in byIdentifier {
            let all = Array(values)
            for start in stride(from: 0, to: all.count, by: prefetchChunk) {
                let chunk = Array(all[start..<min(all.count, start + prefetchChunk)])
                // Every chunk runs the full chunk's SQL (the values it lacks bound as NULL, which match nothing),
                // from the connection's statement cache. A statement made for one query was finalized by whichever
                // thread let go of it last — the writer thread, for answers asked ahead — while the planner used
                // the connection: two threads in one SQLite connection, which corrupted memory under heavy
                // contention (32 importers on one file crashed one process in four runs).
                query.chunks.append(
                    (type, identifier, chunk, try RawStatement(db, sql: fullChunkSQL, cached: true), fullChunkSQL))
            }
        }
        return query
    }

    /// Takes answers fetched elsewhere (an earlier `PrefetchQuery`); answers already held win.
    func adopt(_ found: [IdentifierKey: [Record]], type: String) {
        guard let held = fetched[type], !held.isEmpty else {
            fetched[type] = found
            return
        }
        fetched[type]?.merge(found) { held, _ in held }
    }

    /// The hashes of every key a write made this lookup forget: a batch's writes touched them. Hashes, not
    /// keys: answers read elsewhere are checked against them (`QueuedBatch.kept`, the import stream), and a
    /// hash compares as one integer; a collision only drops an answer, which is then read again.
    private(set) var forgotten: Set<Int> = []

    /// `found` less every answer whose key's hash is in one of `touched` (`forgotten` sets of batches the
    /// answers did not see): what still holds. Usually nothing is dropped, and `found` comes back as is.
    static func answers(
        _ found: [IdentifierKey: [Record]], lessTouched touched: [Set<Int>]
    ) -> [IdentifierKey: [Record]] {
        guard !touched.isEmpty else { return found }
        let stale = found.keys.filter { key in
            let hash = key.hashValue
            return touched.contains { $0.contains(hash) }
        }
        var kept = found
        for key in stale { kept.removeValue(forKey: key) }
        return kept
    }

    /// Forgets prefetched answers a write may have changed (the keys a record held before and after it).
    func forget(type: String, keys: [IdentifierKey]) {
        for k in keys { forgotten.insert(k.hashValue) }
        guard fetched[type] != nil else { return }
        for k in keys { fetched[type]?[k] = nil }
    }

    func records(type: String, identifier: String, value: String) throws -> [Record] {
        let key = IdentifierKey(identifier: identifier, value: value)
        if let hit = fetched[type]?[key] { return hit }
        try pipeline?.drain()
        // Through SQLite's C API, decoded by position: most probes of an import find nothing, and a found
        // row is read without GRDB's row objects.
        let statement = try byKey ?? RawStatement(db, sql: Self.byKeySQL)
        byKey = statement
        let found = try statement.bind(type).bind(identifier).bind(value).rows(Self.byKeySQL, RecordRow.record)
        // Kept like a prefetched answer: a write forgets the keys it touches, so the answer stays true.
        fetched[type, default: [:]][key] = found
        return found
    }

    func scan(type: String, matching: (Record) -> Bool) throws -> [Record] {
        try pipeline?.drain()
        var out: [Record] = []
        // The insertion index's two archive-state ranges, merged in insertion order.
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT seq, \(RecordRow.columns) FROM records WHERE type = ?1 AND archived = 0
                    UNION ALL SELECT seq, \(RecordRow.columns) FROM records WHERE type = ?1 AND archived = 1
                    ORDER BY 1
                    """),
            arguments: [type])
        while let row = try rows.next() {
            let r = try RecordRow.record(row)
            if matching(r) { out.append(r) }
        }
        return out
    }

    func record(id: String) throws -> Record? {
        try pipeline?.drain()
        return try RecordRow.fetch(id: id, db)
    }

    func idempotencyEntry(key: String) throws -> IdempotencyEntry? {
        try pipeline?.drain()
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT type, fingerprint, decision, record_id FROM idempotency_keys WHERE key = ?",
                arguments: [key])
        else { return nil }
        return IdempotencyEntry(
            type: row["type"], fingerprint: row["fingerprint"],
            decision: Decision(rawValue: row["decision"]) ?? .invalid, recordID: row["record_id"])
    }

    func nextAutonumber(type: String) throws -> Int {
        try pipeline?.drain()
        return (try Int.fetchOne(db, sql: "SELECT autonumber FROM types WHERE key = ?", arguments: [type]) ?? 0) + 1
    }
}

/// Prefetch queries prepared on the connection's thread; `run` binds and steps them through SQLite's C API
/// only, so a `WritePipeline` may run them on its thread.
struct PrefetchQuery {
    fileprivate var chunks:
        [(type: String, identifier: String, values: [String], statement: RawStatement, sql: String)] =
            []

    var isEmpty: Bool { chunks.isEmpty }

    /// The holder of each key (a key has one at most: the keys' primary key), every key asked for present.
    func run() throws -> [IdentifierKey: [Record]] {
        var found: [IdentifierKey: [Record]] = [:]
        // Sized once: growing the table rehashes every key.
        found.reserveCapacity(chunks.reduce(0) { $0 + $1.values.count })
        for (type, identifier, values, statement, sql) in chunks {
            for v in values { found[IdentifierKey(identifier: identifier, value: v)] = [] }
            statement.bind(type).bind(identifier)
            for v in values { statement.bind(v) }
            for _ in values.count..<StoreLookup.prefetchChunk { statement.bind(nil as String?) }
            // No ORDER BY: SQLite sorting whole rows cost more than the probes.
            let rows = try statement.rows(sql) { row in
                (value: row.text(Int32(RecordRow.columnCount)) ?? "", record: try RecordRow.record(row))
            }
            for (value, record) in rows {
                found[IdentifierKey(identifier: identifier, value: value), default: []].append(record)
            }
        }
        return found
    }
}

/// xoshiro256** seeded from the system generator: fast, and unpredictable enough for record ids (which
/// are unique by their time and 74 random bits, not secret).
struct SeededGenerator: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init() {
        var system = SystemRandomNumberGenerator()
        s = (system.next(), system.next(), system.next(), system.next() | 1)
    }

    mutating func next() -> UInt64 {
        func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3; s.2 ^= t; s.3 = rotl(s.3, 45)
        return result
    }
}
