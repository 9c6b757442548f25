import Foundation
import PostgresNIO
import RecordCore
import RecordStore

/// Applies decided writes on PostgreSQL: the record row, its revision (chained to the one before, as on
/// SQLite), its identifier keys and associations — one statement for the row and revision, one for the keys.
enum PostgresWriter {
    /// Writes one decided write inside the transaction; returns the identifier keys the record held before
    /// and after it (what the lookup answered for them is stale now).
    @discardableResult
    static func apply(
        _ write: RecordWrite, type: ObjectType, source: WriteSource, at now: Date, _ tx: PostgresTransaction
    ) throws -> [IdentifierKey] {
        let r = write.after
        let change = write.keyChanges ?? type.keyChanges(from: write.before, to: r)
        let dataText = r.data.jsonText
        let revision = r.revisionText(dataText: dataText, at: now)
        let associations = r.associations.isEmpty ? nil : JSONValue.array(r.associations.map { .string($0) }).jsonText
        let seq: Int64
        if let old = write.before {
            let rows = try tx.link.rows(
                """
                WITH rev AS (
                    INSERT INTO revisions(record_id, version, op, after, source, batch, at, previous)
                    SELECT \(r.id), \(r.version), \(write.op.rawValue), \(revision)::json, \(source.name),
                           \(source.batch), \(now), last_rev
                    FROM records WHERE id = \(r.id)
                    RETURNING id)
                UPDATE records SET name = \(r.name), external_id = \(r.externalID), data = \(dataText)::json,
                    parent_id = \(r.parentID), associations = \(associations)::json, archived = \(r.archived),
                    archived_at = \(r.archivedAt), version = \(r.version), updated_at = \(r.updatedAt),
                    merged_into = \(r.mergedInto), last_rev = (SELECT id FROM rev)
                WHERE id = \(r.id) AND version = \(old.version)
                RETURNING seq
                """)
            guard let row = rows.first else {
                throw StoreError.changedMeanwhile(r, old.version)
            }
            seq = try row.decode(Int64.self)
            if !change.removed.isEmpty {
                try tx.link.execute(
                    """
                    DELETE FROM record_keys k
                    USING unnest(\(change.removed.map(\.identifier))::text[], \(change.removed.map(\.value))::text[])
                        AS d(identifier, value)
                    WHERE k.type = \(r.type) AND k.identifier = d.identifier AND k.value = d.value
                      AND k.record_seq = \(seq)
                    """)
            }
        } else {
            let rows = try tx.link.rows(
                """
                WITH rev AS (
                    INSERT INTO revisions(record_id, version, op, after, source, batch, at)
                    VALUES (\(r.id), \(r.version), \(write.op.rawValue), \(revision)::json, \(source.name),
                            \(source.batch), \(now))
                    RETURNING id)
                INSERT INTO records(id, type, name, external_id, data, parent_id, associations, archived, archived_at,
                                    version, created_at, updated_at, merged_into, last_rev)
                SELECT \(r.id), \(r.type), \(r.name), \(r.externalID), \(dataText)::json, \(r.parentID),
                       \(associations)::json, \(r.archived), \(r.archivedAt), \(r.version), \(r.createdAt),
                       \(r.updatedAt), \(r.mergedInto), id
                FROM rev
                RETURNING seq
                """)
            seq = try rows.first!.decode(Int64.self)
        }
        if !change.added.isEmpty {
            let added = Set(change.added)
            let inserted = try insertKeys(
                Array(added), seqs: Array(repeating: seq, count: added.count), type: r.type,
                cased: type.casedIdentifiers, tx.link)
            if let taken = change.added.first(where: { !inserted.contains($0) }) {
                throw StoreError.keyTaken(taken, type: r.type)
            }
        }
        if r.associations != (write.before?.associations ?? []) {
            try tx.link.execute("DELETE FROM associations WHERE from_id = \(r.id)")
            if !r.associations.isEmpty {
                try tx.link.execute(
                    """
                    INSERT INTO associations(from_id, to_id) SELECT \(r.id), t FROM unnest(\(r.associations)::text[]) t
                    ON CONFLICT DO NOTHING
                    """)
            }
        }
        if write.consumesAutonumber {
            try tx.link.execute("UPDATE types SET autonumber = autonumber + 1 WHERE key = \(r.type)")
        }
        note(write, tx.state)
        return change.keys + change.removed
    }

    /// Inserts identifier keys of `type`, each held by the record whose `seq` is at the same position, in one
    /// statement; returns the keys that went in. A key another record holds is left out (ON CONFLICT), not left
    /// to abort the transaction: the caller names it.
    static func insertKeys(
        _ keys: [IdentifierKey], seqs: [Int64], type: String, cased: Set<String>, _ link: PostgresLink
    ) throws -> Set<IdentifierKey> {
        guard !keys.isEmpty else { return [] }
        let rows = try link.rows(
            """
            INSERT INTO record_keys(type, identifier, value, record_seq, cased)
            SELECT \(type), identifier, value, seq, cased
            FROM unnest(\(keys.map(\.identifier))::text[], \(keys.map(\.value))::text[], \(seqs)::int8[],
                        \(keys.map { cased.contains($0.identifier) })::bool[]) AS k(identifier, value, seq, cased)
            ON CONFLICT DO NOTHING
            RETURNING identifier, value
            """)
        return Set(
            try rows.map { row in
                let c = row.makeRandomAccess()
                return IdentifierKey(identifier: try c[0].decode(String.self), value: try c[1].decode(String.self))
            })
    }

    /// Keeps what a write changes for the commit: the type's counts, and the record for the notification.
    static func note(_ write: RecordWrite, _ state: TransactionState) {
        let r = write.after
        if let old = write.before {
            if r.archived != old.archived {
                state.count(r.type, archived: old.archived, by: -1)
                state.count(r.type, archived: r.archived, by: 1)
            }
        } else {
            state.count(r.type, archived: r.archived, by: 1)
        }
        state.changed(type: r.type, record: r.id)
    }
}
