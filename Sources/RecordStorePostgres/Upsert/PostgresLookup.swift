import Foundation
import PostgresNIO
import RecordCore
import RecordStore

/// Answers the planner's questions from the server, inside the caller's transaction. Answers are kept until a
/// write forgets the keys it touched, as the SQLite store's lookup does.
final class PostgresLookup: RecordLookup {
    let link: PostgresLink
    /// Key probes answered so far, by type.
    private var fetched: [String: [IdentifierKey: [Record]]] = [:]
    private var random = SystemRandomNumberGenerator()
    /// Records written by a batch and not yet in the tables (`PostgresBatchWriter`), by id.
    private var held: [String: Record] = [:]
    /// Runs before any query: a batch's held writes go to the tables first.
    var beforeRead: () throws -> Void = {}

    init(link: PostgresLink) { self.link = link }

    /// Answers for a record a batch holds: each key it holds now names it, each it gave up names nobody.
    func remember(_ r: Record, keys: [IdentifierKey], removed: [IdentifierKey]) {
        held[r.id] = r
        for k in keys { fetched[r.type, default: [:]][k] = [r] }
        for k in removed { fetched[r.type, default: [:]][k] = [] }
    }

    /// Forgets a held record (written directly since).
    func forgetHeld(id: String) { held[id] = nil }

    /// A new record id (UUIDv7) for a record created at `now`.
    func newID(now: Date) -> String { RecordID.make(now: now, random: &random) }

    func records(type: String, identifier: String, value: String) throws -> [Record] {
        let key = IdentifierKey(identifier: identifier, value: value)
        if let hit = fetched[type]?[key] { return hit }
        try beforeRead()
        let found = try link.rows(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(PostgresRecordRow.columns)
                    FROM record_keys k JOIN records r ON r.seq = k.record_seq
                    WHERE k.type = $1 AND k.identifier = $2 AND k.value = $3 ORDER BY r.seq
                    """, binds: binds(type, identifier, value))
        ).map { try PostgresRecordRow.record($0) }
        fetched[type, default: [:]][key] = found
        return found
    }

    /// Fetches the holders of `keys` not yet answered, one query per identifier (`= ANY` of an array).
    func prefetch(type: String, keys: [IdentifierKey]) throws {
        var byIdentifier: [String: Set<String>] = [:]
        for k in keys where fetched[type]?[k] == nil { byIdentifier[k.identifier, default: []].insert(k.value) }
        if !byIdentifier.isEmpty { try beforeRead() }
        for (identifier, values) in byIdentifier {
            let values = Array(values)
            for v in values { fetched[type, default: [:]][IdentifierKey(identifier: identifier, value: v)] = [] }
            var b = PostgresBindings()
            b.append(type)
            b.append(identifier)
            b.append(values)
            let rows = try link.rows(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT \(PostgresRecordRow.columns), k.value
                        FROM record_keys k JOIN records r ON r.seq = k.record_seq
                        WHERE k.type = $1 AND k.identifier = $2 AND k.value = ANY($3)
                        """, binds: b))
            for row in rows {
                let value = try row.makeRandomAccess()[PostgresRecordRow.columnCount].decode(String.self)
                fetched[type]![IdentifierKey(identifier: identifier, value: value), default: []].append(
                    try PostgresRecordRow.record(row))
            }
        }
    }

    /// Forgets what was answered for `keys`: a write changed who holds them.
    func forget(type: String, keys: [IdentifierKey]) {
        for k in keys { fetched[type]?[k] = nil }
    }

    func scan(type: String, matching: (Record) -> Bool) throws -> [Record] {
        try beforeRead()
        return try link.rows(
            PostgresQuery(
                unsafeSQL: "SELECT \(PostgresRecordRow.columns) FROM records r WHERE r.type = $1 ORDER BY r.seq",
                binds: binds(type))
        ).map { try PostgresRecordRow.record($0) }.filter(matching)
    }

    func record(id: String) throws -> Record? {
        if let r = held[id] { return r }
        try beforeRead()
        return try link.rows(
            PostgresQuery(
                unsafeSQL: "SELECT \(PostgresRecordRow.columns) FROM records r WHERE r.id = $1", binds: binds(id))
        ).first.map { try PostgresRecordRow.record($0) }
    }

    func idempotencyEntry(key: String) throws -> IdempotencyEntry? {
        guard
            let row = try link.rows(
                PostgresQuery(
                    unsafeSQL: "SELECT type, fingerprint, decision, record_id FROM idempotency_keys WHERE key = $1",
                    binds: binds(key))
            ).first
        else { return nil }
        let (type, fingerprint, decision, recordID) = try row.decode((String, String, String, String?).self)
        return IdempotencyEntry(
            type: type, fingerprint: fingerprint, decision: Decision(rawValue: decision) ?? .invalid,
            recordID: recordID)
    }

    func nextAutonumber(type: String) throws -> Int {
        let n = try link.rows(
            PostgresQuery(unsafeSQL: "SELECT autonumber FROM types WHERE key = $1", binds: binds(type))
        ).first?.decode(Int64.self)
        return Int(n ?? 0) + 1
    }
}

/// Bindings of text values, in order.
func binds(_ values: String...) -> PostgresBindings {
    var b = PostgresBindings(capacity: values.count)
    for v in values { b.append(v) }
    return b
}
