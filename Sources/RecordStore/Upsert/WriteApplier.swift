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
/// A record's revisions are a chain: the row names its latest (`records.last_rev`), each revision the one
/// before it (`revisions.previous`) — one B-tree entry fewer per write than an index by record.
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
        let change = write.keyChanges ?? type.keyChanges(from: write.before, to: after)
        try statements.write(
            write, type: type, removing: change.removed, adding: change.added, source: source, at: now)
        let associationsChanged = after.associations != (write.before?.associations ?? [])
        // Rare writes through GRDB's statements: on this thread, once the queued writes have run.
        if associationsChanged {
            try statements.drain()
            try writeAssociations(after, db)
        }
        if write.consumesAutonumber {
            try statements.drain()
            try db.cachedStatement(sql: "UPDATE types SET autonumber = autonumber + 1 WHERE key = ?").execute(
                arguments: [after.type])
        }
        if own { try statements.finish() }
        return change.keys + change.removed
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
/// API and each prepared on first use, so a batch that keeps one set prepares each once. With a
/// `WritePipeline`, binding and stepping them (and serialising the record's data) runs on the pipeline's
/// thread; preparing them, and everything else, stays on the caller's.
final class WriteStatements {
    private let db: Database
    private let pipeline: WritePipeline?
    private var record: RawStatement?
    private var key: RawStatement?
    private var keyByID: RawStatement?
    private var removeKey: RawStatement?
    private var createRevision: RawStatement?
    private var changeRevision: RawStatement?
    private var countUpdate: RawStatement?
    private var rangeInsert: RawStatement?
    private var updates: [UpdateColumns: RawStatement] = [:]
    private var nowText: (Date, String)?
    private var cased: [String: Set<String>] = [:]
    /// Per type, how the active and archived counts changed through these statements, not yet written to
    /// `types` (`finish`): one UPDATE per batch instead of a trigger per row, whose statement journal
    /// cost every INSERT into `records`.
    private var counts: [String: (active: Int, archived: Int)] = [:]
    /// Per batch label, the ids of the first and last revisions written under it through these statements,
    /// not yet written to `revision_batches` (`finish`). Set on the pipeline's thread, read after a drain.
    private var batchRanges: [String: (first: Int64, last: Int64)] = [:]
    /// Creates not yet handed to the pipeline (`flushCreates`): every other write, and every drain of the
    /// pipeline, hands them over first, so writes still run in the order they were made.
    private var creates = CreateLog()

    /// A key's row; `cased` marks the keys of identifiers that keep ASCII capitals (only they are in the
    /// NOCASE index the prefix filter reads).
    /// A key points at its record's `seq` (a rowid: joined by one seek, and a few bytes, not a 36-character
    /// id); a new record's is known once its row is in.
    static let keySQL = "INSERT INTO record_keys(type, identifier, value, record_seq, cased) VALUES (?,?,?,?,?)"
    /// A key of an existing record, named by its id.
    static let keyByIDSQL = """
        INSERT INTO record_keys(type, identifier, value, record_seq, cased)
        VALUES (?,?,?,(SELECT seq FROM records WHERE id = ?),?)
        """
    static let removeKeySQL = """
        DELETE FROM record_keys
        WHERE type = ? AND identifier = ? AND value = ? AND record_seq = (SELECT seq FROM records WHERE id = ?)
        """
    /// A create's revision: the first of its record's chain.
    static let createRevisionSQL =
        "INSERT INTO revisions(record_id, version, op, after, source, batch, at) VALUES (?1,?2,?3,?4,?5,?6,?7)"
    /// A change's revision, chained to the record's latest (`records.last_rev`, set to this one next).
    static let changeRevisionSQL = """
        INSERT INTO revisions(record_id, version, op, after, source, batch, at, previous)
        VALUES (?1,?2,?3,?4,?5,?6,?7, (SELECT last_rev FROM records WHERE id = ?1))
        """

    /// Queued writes beyond which the writer thread counts as behind.
    static let behind = 64

    init(_ db: Database, pipeline: WritePipeline? = nil) {
        self.db = db
        self.pipeline = pipeline
        pipeline?.beforeDrain = { [weak self] in try self?.flushCreates() }
    }

    /// The statement in `slot`, prepared the first time, from the connection's statement cache: a lone
    /// write (an upsert, a served request, an edit) makes its own statements and should not compile them.
    private func prepared(_ slot: inout RawStatement?, _ sql: String) throws -> RawStatement {
        if let s = slot { return s }
        let s = try RawStatement(db, sql: sql, cached: true)
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

    /// The type's identifiers whose keys keep their case, worked out once per type for these statements
    /// (not once per write).
    private func casedIdentifiers(of type: ObjectType) -> Set<String> {
        if let known = cased[type.key] { return known }
        let found = type.casedIdentifiers
        cased[type.key] = found
        return found
    }

    /// Waits for the pipeline's queued writes (if any), so this thread may use the connection.
    func drain() throws {
        try flushCreates()
        try pipeline?.drain()
    }

    /// Runs `job` on the pipeline's thread, or here and now without one.
    private func perform(_ job: @escaping () throws -> Void) throws {
        if let pipeline { try pipeline.submit(job) } else { try job() }
    }

    /// Writes a record's row (inserted, or updated from `write.before`), removes and adds its identifier
    /// keys, and appends its revision. Statements are prepared and counts kept here; the rest may run on
    /// the pipeline's thread.
    func write(
        _ write: RecordWrite, type: ObjectType, removing removed: [IdentifierKey], adding added: [IdentifierKey],
        source: WriteSource, at now: Date
    ) throws {
        let r = write.after
        let cased = casedIdentifiers(of: type)
        guard let old = write.before else {
            // A new record (it holds no key yet: nothing to remove) goes into the create log.
            assert(removed.isEmpty, "a new record has no key to remove")
            count(r.type, archived: r.archived, by: 1)
            creates.append(
                r, op: write.op, adding: added, cased: cased, source: source, created: text(r.createdAt),
                updated: text(r.updatedAt), at: now, atText: text(now))
            if pipeline == nil || creates.count >= WritePipeline.handOver { try flushCreates() }
            return
        }
        try flushCreates()
        let change = UpdateColumns(r, from: old)
        let row = try updates[change] ?? RawStatement(db, sql: change.sql, cached: true)
        updates[change] = row
        if r.archived != old.archived {
            count(r.type, archived: old.archived, by: -1)
            count(r.type, archived: r.archived, by: 1)
        }
        let revisionSQL = Self.changeRevisionSQL
        let revision = try prepared(&changeRevision, revisionSQL)
        let keySQL = Self.keyByIDSQL
        let keyStatement = added.isEmpty ? nil : try prepared(&keyByID, keySQL)
        let removeStatement = removed.isEmpty ? nil : try prepared(&removeKey, Self.removeKeySQL)
        let updated = text(r.updatedAt)
        let at = text(now)
        // When the writer thread is behind, this thread serialises the data instead.
        let early = (pipeline?.backlog ?? 0) > Self.behind ? r.data.jsonText : nil
        let earlyRevision = early.map { r.revisionText(dataText: $0, at: now) }
        try perform {
            let dataText = early ?? r.data.jsonText
            // The revision first: the record row then names it as its latest (`last_rev`), the head of the
            // chain its history is read through (no index of revisions by record).
            revision.bind(r.id).bind(r.version).bind(write.op.rawValue).bind(
                earlyRevision ?? r.revisionText(dataText: dataText, at: now)
            )
            .bind(source.name).bind(source.batch).bind(at)
            try revision.execute(revisionSQL)
            let revisionID = revision.lastInsertedRowID
            if let batch = source.batch { self.noteRevision(revisionID, batch: batch) }
            change.bind(
                r, dataText: dataText, revision: revisionID,
                format: { $0 == r.updatedAt ? updated : Timestamp.format($0) }, to: row)
            row.bind(r.id).bind(old.version)
            try row.execute(change.sql)
            if row.changes != 1 { throw StoreError.changedMeanwhile(r, old.version) }
            if let removeStatement {
                for k in removed {
                    try removeStatement.bind(r.type).bind(k.identifier).bind(k.value).bind(r.id)
                        .execute(Self.removeKeySQL)
                }
            }
            if let keyStatement {
                for k in added {
                    keyStatement.bind(r.type).bind(k.identifier).bind(k.value).bind(r.id)
                    keyStatement.bind(cased.contains(k.identifier))
                    do { try keyStatement.execute(keySQL) } catch let e as DatabaseError
                        where e.resultCode == .SQLITE_CONSTRAINT
                    {
                        throw StoreError.keyTaken(k, type: r.type)
                    }
                }
            }
        }
    }

    /// Hands the creates logged so far to the pipeline (or, without one, writes them now and keeps the log's
    /// storage for the next lone write).
    func flushCreates() throws {
        guard !creates.isEmpty else { return }
        let log = creates
        let row = try prepared(&record, RecordRow.insertSQL)
        let revision = try prepared(&createRevision, Self.createRevisionSQL)
        let key = log.keys.isEmpty ? nil : try prepared(&key, Self.keySQL)
        guard let pipeline else {
            defer { log.reset() }
            return try run(log, row: row, revision: revision, key: key)
        }
        // Handed over at once (the log already holds a hand-over's worth of writes); the writer thread owns it.
        creates = CreateLog()
        try pipeline.submit(handNow: true, writes: log.count) {
            try self.run(log, row: row, revision: revision, key: key)
        }
    }

    /// Writes a log's creates: for each, its revision, its row (naming the revision) and its keys (naming
    /// the row), every text bound from the log's bytes.
    private func run(_ log: CreateLog, row: RawStatement, revision: RawStatement, key: RawStatement?) throws {
        try log.bytes.withUnsafeBufferPointer { base in
            let t = CreateLogTexts(base: base)
            var label: (text: CreateLog.Text, string: String)?
            for e in log.entries {
                revision.bind(static: t(e.id)).bind(e.version).bind(static: t(e.op)).bind(static: t(e.revision))
                    .bind(static: t(e.source)).bind(static: t(e.batch)).bind(static: t(e.at))
                try revision.execute(Self.createRevisionSQL)
                let revisionID = revision.lastInsertedRowID
                if e.batch.count >= 0 {
                    if label == nil || !t.same(label!.text, e.batch) { label = (e.batch, t.string(e.batch)) }
                    noteRevision(revisionID, batch: label!.string)
                }
                row.bind(static: t(e.id)).bind(static: t(e.type)).bind(static: t(e.name))
                    .bind(static: t(e.externalID)).bind(static: t(e.data)).bind(static: t(e.parentID))
                    .bind(static: t(e.associations)).bind(e.archived).bind(static: t(e.archivedAt)).bind(e.version)
                    .bind(static: t(e.created)).bind(static: t(e.updated)).bind(static: t(e.mergedInto))
                    .bind(revisionID)
                try row.execute(RecordRow.insertSQL)
                let seq = row.lastInsertedRowID
                guard let key else { continue }
                for k in log.keys[e.keys] {
                    key.bind(static: t(e.type)).bind(static: t(k.identifier)).bind(static: t(k.value)).bind(seq)
                        .bind(k.cased)
                    do { try key.execute(Self.keySQL) } catch let error as DatabaseError
                        where error.resultCode == .SQLITE_CONSTRAINT
                    {
                        throw StoreError.keyTaken(
                            IdentifierKey(identifier: t.string(k.identifier), value: t.string(k.value)),
                            type: t.string(e.type))
                    }
                }
            }
        }
    }

    /// Waits for the pipeline's queued writes, then writes what these statements kept for the end: the count
    /// changes to `types` and each batch label's revision id range to `revision_batches` (inside the
    /// caller's transaction). Whoever made these statements calls it before the transaction commits.
    func finish() throws {
        try queueFinish()
        try drain()
    }

    static let countSQL = "UPDATE types SET active = active + ?, archived = archived + ? WHERE key = ?"
    static let rangeSQL = """
        INSERT INTO revision_batches(batch, first, last) VALUES (?, ?, ?)
        ON CONFLICT(batch, first) DO UPDATE SET last = max(last, excluded.last)
        """

    /// `finish` without the wait: the closing writes are queued behind the others (an import stream
    /// commits behind them).
    func queueFinish() throws {
        try flushCreates()
        let changed = counts.filter { $0.value != (0, 0) }
        counts = [:]
        let count = changed.isEmpty ? nil : try prepared(&countUpdate, Self.countSQL)
        let range = try prepared(&rangeInsert, Self.rangeSQL)
        try perform {
            for (type, change) in changed {
                try count?.bind(change.active).bind(change.archived).bind(type).execute(Self.countSQL)
            }
            for (batch, r) in self.batchRanges {
                try range.bind(batch).bind(r.first).bind(r.last).execute(Self.rangeSQL)
            }
            self.batchRanges = [:]
        }
    }

    /// A revision written under `batch`, for its range.
    private func noteRevision(_ id: Int64, batch: String) {
        if let range = batchRanges[batch] {
            batchRanges[batch] = (min(range.first, id), max(range.last, id))
        } else {
            batchRanges[batch] = (id, id)
        }
    }

    /// A record of `type` in the `archived` state added (1) or gone (-1), for `finish`.
    private func count(_ type: String, archived: Bool, by n: Int) {
        if archived { counts[type, default: (0, 0)].archived += n } else { counts[type, default: (0, 0)].active += n }
    }
}
