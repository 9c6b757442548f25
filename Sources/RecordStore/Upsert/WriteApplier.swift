import Foundation
import GRDB
import RecordCore

/// Where a write came from, kept in its revision.
public struct WriteSource: Sendable {
    public var name: String
    public var batch: String?
    public init(_ name: String, batch: String? = nil) { self.name = name; self.batch = batch }
}

/// Applies decided writes: the record row, its identifier keys, associations and a revision.
///
/// A revision stores the state it wrote (`after`); its `before` is the previous revision's `after`, since
/// every write to a record goes through here. History and undo derive it, which halves revision storage.
enum WriteApplier {
    /// Writes one decided write inside the caller's transaction, through `statements` (a batch passes its
    /// own, prepared once; a lone write gets a fresh set, each statement prepared on first use).
    /// Returns the identifier keys the record held before and after the write (a batch's prefetched answers
    /// for them are stale now).
    @discardableResult
    static func apply(
        _ write: RecordWrite, type: ObjectType, source: WriteSource, at now: Date, _ db: Database,
        statements: WriteStatements? = nil
    ) throws -> [IdentifierKey] {
        let own = statements == nil
        let statements = statements ?? WriteStatements(db)
        let after = write.after
        let newKeys = type.keys(of: after)
        let dataText = after.data.jsonText
        var touched = newKeys
        if let before = write.before {
            try statements.update(after, from: before, dataText: dataText)
            let oldKeys = Set(type.keys(of: before))
            let removed = oldKeys.subtracting(newKeys)
            touched += removed
            for k in removed {
                try db.cachedStatement(
                    sql: "DELETE FROM record_keys WHERE type = ? AND identifier = ? AND value = ? AND record_id = ?"
                )
                .execute(arguments: [after.type, k.identifier, k.value, after.id])
            }
            try statements.insertKeys(newKeys.filter { !oldKeys.contains($0) }, of: after)
            if before.associations != after.associations { try writeAssociations(after, db) }
        } else {
            try statements.insert(after, dataText: dataText, keys: newKeys)
            if !after.associations.isEmpty { try writeAssociations(after, db) }
        }
        if write.consumesAutonumber {
            try db.cachedStatement(sql: "UPDATE types SET autonumber = autonumber + 1 WHERE key = ?").execute(
                arguments: [after.type])
        }
        try statements.revision(write, dataText: dataText, source: source, at: now)
        if own { try statements.flushCounts() }
        return touched
    }

    /// The "already held" refusal for a key the UNIQUE index turned away.
    static func keyTaken(_ k: IdentifierKey, _ record: Record) -> StoreError {
        StoreError.refused(
            "\(k.identifier) \"\(k.value)\" is already held by another \(record.type) record; nothing written")
    }

    private static func writeAssociations(_ r: Record, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM associations WHERE from_id = ?", arguments: [r.id])
        for target in r.associations {
            try db.execute(
                sql: "INSERT OR IGNORE INTO associations(from_id, to_id) VALUES (?, ?)", arguments: [r.id, target])
        }
    }
}

/// The statements every write runs (the record row, its keys, its revision), bound through SQLite's C
/// API and each prepared on first use, so a batch that keeps one set prepares each once.
final class WriteStatements {
    private let db: Database
    private var record: RawStatement?
    private var key: RawStatement?
    private var revisionStatement: RawStatement?
    private var updates: [UpdateColumns: RawStatement] = [:]
    private var nowText: (Date, String)?
    /// Per type, how the active and archived counts changed through these statements, not yet written to
    /// `types` (`flushCounts`): one UPDATE per batch instead of a trigger per row, whose statement journal
    /// cost every INSERT into `records`.
    private var counts: [String: (active: Int, archived: Int)] = [:]

    static let keySQL = "INSERT INTO record_keys(type, identifier, value, record_id) VALUES (?,?,?,?)"
    static let revisionSQL =
        "INSERT INTO revisions(record_id, version, op, after, source, batch, at) VALUES (?,?,?,?,?,?,?)"

    init(_ db: Database) { self.db = db }

    /// The statement in `slot`, prepared the first time.
    private func prepared(_ slot: inout RawStatement?, _ sql: String) throws -> RawStatement {
        if let s = slot { return s }
        let s = try RawStatement(db, sql: sql)
        slot = s
        return s
    }

    /// A time as text, formatted once for the many writes of a batch that share it.
    func text(_ date: Date) -> String {
        if let (d, t) = nowText, d == date { return t }
        let t = Timestamp.format(date)
        nowText = (date, t)
        return t
    }

    func insert(_ r: Record, dataText: String, keys: [IdentifierKey]) throws {
        let record = try prepared(&self.record, RecordRow.insertSQL)
        record.bind(r.id).bind(r.type).bind(r.name).bind(r.externalID).bind(dataText).bind(r.parentID)
            .bind(RecordRow.associationsText(r))
            .bind(r.archived).bind(r.archivedAt.map(text)).bind(r.version).bind(text(r.createdAt))
            .bind(text(r.updatedAt)).bind(r.mergedInto)
        try record.execute(RecordRow.insertSQL)
        count(r.type, archived: r.archived, by: 1)
        try insertKeys(keys, of: r)
    }

    /// Writes the count changes made so far to `types` (inside the caller's transaction). Whoever made
    /// these statements calls it before the transaction commits.
    func flushCounts() throws {
        for (type, change) in counts where change != (0, 0) {
            try db.cachedStatement(sql: "UPDATE types SET active = active + ?, archived = archived + ? WHERE key = ?")
                .execute(arguments: [change.active, change.archived, type])
        }
        counts = [:]
    }

    /// Inserts identifier keys; one the UNIQUE index turns away is refused by name.
    func insertKeys(_ keys: [IdentifierKey], of r: Record) throws {
        guard !keys.isEmpty else { return }
        let key = try prepared(&self.key, Self.keySQL)
        for k in keys {
            key.bind(r.type).bind(k.identifier).bind(k.value).bind(r.id)
            do { try key.execute(Self.keySQL) } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                throw WriteApplier.keyTaken(k, r)
            }
        }
    }

    /// Updates the changed columns (`UpdateColumns`), guarded by the version `old` is at.
    func update(_ r: Record, from old: Record, dataText: String) throws {
        let change = UpdateColumns(r, from: old)
        let statement = try updates[change] ?? RawStatement(db, sql: change.sql)
        updates[change] = statement
        change.bind(r, dataText: dataText, format: text, to: statement)
        statement.bind(r.id).bind(old.version)
        try statement.execute(change.sql)
        if db.changesCount != 1 { throw RecordRow.changedMeanwhile(r, old.version) }
        if r.archived != old.archived {
            count(r.type, archived: old.archived, by: -1)
            count(r.type, archived: r.archived, by: 1)
        }
    }

    /// A record of `type` in the `archived` state added (1) or gone (-1), for `flushCounts`.
    private func count(_ type: String, archived: Bool, by n: Int) {
        if archived { counts[type, default: (0, 0)].archived += n } else { counts[type, default: (0, 0)].active += n }
    }

    func revision(_ write: RecordWrite, dataText: String, source: WriteSource, at now: Date) throws {
        let after = write.after
        let revision = try prepared(&revisionStatement, Self.revisionSQL)
        revision.bind(after.id).bind(after.version).bind(write.op.rawValue).bind(
            after.revisionText(dataText: dataText, at: now)
        )
        .bind(source.name).bind(source.batch).bind(text(now))
        try revision.execute(Self.revisionSQL)
    }
}
