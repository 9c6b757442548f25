import Foundation
import PostgresNIO
import RecordCore
import RecordStore

/// A batch's writes, held until the batch is planned and then written in a few statements: `COPY` into two
/// staging tables (the rows and revisions to write, the keys to add and remove), then set-based statements
/// from them. A round trip per record would make an import as slow as the network; this makes it a handful per
/// batch.
///
/// While writes wait here, the lookup answers from them (`PostgresLookup.remember`), so a later item of the
/// batch sees an earlier one's effect; anything else that reads the tables first has them written (`flush`).
/// A write that cannot wait — associations, an autonumber, a record already waiting — is written at once
/// after flushing.
final class PostgresBatchWriter {
    /// Batches smaller than this write each record at once instead.
    static let minimumItems = 32

    private var rows = CopyRows()
    private var keys = CopyRows()
    private var pending: Set<String> = []
    private var creates = 0, updates = 0
    /// Keys each kind adds, to know whether one was refused.
    private var addedKeys = 0

    var isEmpty: Bool { pending.isEmpty }

    /// True when `write` can wait in this batch.
    func accepts(_ write: RecordWrite) -> Bool {
        !pending.contains(write.after.id) && !write.consumesAutonumber
            && write.after.associations == (write.before?.associations ?? [])
    }

    /// Holds a write (`accepts` said it can wait): its row, revision and key changes.
    func add(_ write: RecordWrite, change: KeyChanges, cased: Set<String>, source: WriteSource, at now: Date) {
        let r = write.after
        let dataText = r.data.jsonText
        pending.insert(r.id)
        if write.before == nil { creates += 1 } else { updates += 1 }
        rows.field(pending.count)
        rows.field(write.before?.version)
        rows.field(r.id)
        rows.field(r.type)
        rows.field(r.name)
        rows.field(r.externalID)
        rows.field(dataText)
        rows.field(r.parentID)
        rows.field(r.associations.isEmpty ? nil : JSONValue.array(r.associations.map { .string($0) }).jsonText)
        rows.field(r.archived)
        rows.field(r.archivedAt)
        rows.field(r.version)
        rows.field(r.createdAt)
        rows.field(r.updatedAt)
        rows.field(r.mergedInto)
        rows.field(write.op.rawValue)
        rows.field(r.revisionText(dataText: dataText, at: now))
        rows.field(source.name)
        rows.field(source.batch)
        rows.field(now)
        rows.endRow()
        for k in change.removed { key(r, k, cased: false, removed: true) }
        for k in Set(change.added) {
            key(r, k, cased: cased.contains(k.identifier), removed: false)
            addedKeys += 1
        }
    }

    private func key(_ r: Record, _ k: IdentifierKey, cased: Bool, removed: Bool) {
        keys.field(r.id)
        keys.field(r.type)
        keys.field(k.identifier)
        keys.field(k.value)
        keys.field(cased)
        keys.field(removed)
        keys.endRow()
    }

    static let rowColumns = [
        "ord", "old_version", "id", "type", "name", "external_id", "data", "parent_id", "associations", "archived",
        "archived_at", "version", "created_at", "updated_at", "merged_into", "op", "after", "source", "batch", "at",
    ]
    static let keyColumns = ["record_id", "type", "identifier", "value", "cased", "removed"]

    /// The staging tables: temporary, one pair per connection, emptied after each flush.
    static let createStaging = [
        """
        CREATE TEMP TABLE IF NOT EXISTS stage_writes(
            ord integer, old_version bigint, id text COLLATE "C", type text COLLATE "C", name text COLLATE "C",
            external_id text COLLATE "C", data text, parent_id text COLLATE "C", associations text, archived boolean,
            archived_at timestamptz, version bigint, created_at timestamptz, updated_at timestamptz,
            merged_into text COLLATE "C", op text, after text, source text, batch text, at timestamptz)
        """,
        """
        CREATE TEMP TABLE IF NOT EXISTS stage_keys(
            record_id text COLLATE "C", type text COLLATE "C", identifier text COLLATE "C", value text COLLATE "C",
            cased boolean, removed boolean)
        """,
    ]

    /// Writes every held write (inside the caller's transaction) and empties the batch.
    func flush(_ link: PostgresLink) throws {
        guard !pending.isEmpty else { return }
        defer { reset() }
        try link.stageTables()
        try link.copy(into: "stage_writes", columns: Self.rowColumns, rows: rows)
        try link.copy(into: "stage_keys", columns: Self.keyColumns, rows: keys)
        // Statistics for the planner: without them it guesses the staging tables' size and may join `records`
        // by scanning it whole, every batch (150 ms a batch at 50,000 records, growing with the table).
        try link.execute(sql: "ANALYZE stage_writes, stage_keys")
        if updates > 0 {
            let updated = try link.rows(
                """
                WITH rev AS (
                    INSERT INTO revisions(record_id, version, op, after, source, batch, at, previous)
                    SELECT s.id, s.version, s.op, s.after::json, s.source, s.batch, s.at, r.last_rev
                    FROM stage_writes s JOIN records r ON r.id = s.id
                    WHERE s.old_version IS NOT NULL ORDER BY s.ord
                    RETURNING id, record_id)
                UPDATE records r SET name = s.name, external_id = s.external_id, data = s.data::json,
                    parent_id = s.parent_id, associations = s.associations::json, archived = s.archived,
                    archived_at = s.archived_at, version = s.version, updated_at = s.updated_at,
                    merged_into = s.merged_into, last_rev = rev.id
                FROM stage_writes s JOIN rev ON rev.record_id = s.id
                WHERE r.id = s.id AND r.version = s.old_version
                RETURNING r.id
                """)
            if updated.count < updates {
                let done = Set(try updated.map { try $0.decode(String.self) })
                let stale = try link.rows(
                    "SELECT id, old_version FROM stage_writes WHERE old_version IS NOT NULL ORDER BY ord"
                ).map { try $0.decode((String, Int64).self) }.first { !done.contains($0.0) }
                throw StoreError.refused(
                    "record \(stale?.0 ?? "?") changed meanwhile (expected version \(stale?.1 ?? 0)); nothing written")
            }
            try link.execute(
                """
                DELETE FROM record_keys k USING stage_keys d JOIN records r ON r.id = d.record_id
                WHERE d.removed AND k.type = d.type AND k.identifier = d.identifier AND k.value = d.value
                  AND k.record_seq = r.seq
                """)
        }
        if creates > 0 {
            try link.execute(
                """
                WITH rev AS (
                    INSERT INTO revisions(record_id, version, op, after, source, batch, at)
                    SELECT id, version, op, after::json, source, batch, at FROM stage_writes
                    WHERE old_version IS NULL ORDER BY ord
                    RETURNING id, record_id)
                INSERT INTO records(id, type, name, external_id, data, parent_id, associations, archived, archived_at,
                                    version, created_at, updated_at, merged_into, last_rev)
                SELECT s.id, s.type, s.name, s.external_id, s.data::json, s.parent_id, s.associations::json,
                       s.archived, s.archived_at, s.version, s.created_at, s.updated_at, s.merged_into, rev.id
                FROM stage_writes s JOIN rev ON rev.record_id = s.id
                ORDER BY s.ord
                """)
        }
        if addedKeys > 0 {
            let added = try link.rows(
                """
                INSERT INTO record_keys(type, identifier, value, record_seq, cased)
                SELECT d.type, d.identifier, d.value, r.seq, d.cased
                FROM stage_keys d JOIN records r ON r.id = d.record_id
                WHERE NOT d.removed
                ON CONFLICT DO NOTHING
                RETURNING 1
                """)
            if added.count < addedKeys {
                let taken = try link.rows(
                    """
                    SELECT d.type, d.identifier, d.value FROM stage_keys d
                    JOIN record_keys k ON k.type = d.type AND k.identifier = d.identifier AND k.value = d.value
                    JOIN records r ON r.seq = k.record_seq
                    WHERE NOT d.removed AND r.id <> d.record_id LIMIT 1
                    """
                ).first.map { try $0.decode((String, String, String).self) }
                throw StoreError.keyTaken(
                    IdentifierKey(identifier: taken?.1 ?? "a key", value: taken?.2 ?? "?"), type: taken?.0 ?? "")
            }
        }
        try link.execute(sql: "TRUNCATE stage_writes, stage_keys")
    }

    private func reset() {
        rows = CopyRows()
        keys = CopyRows()
        pending = []
        creates = 0
        updates = 0
        addedKeys = 0
    }
}
