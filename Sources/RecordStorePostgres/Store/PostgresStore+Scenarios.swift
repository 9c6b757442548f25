import Foundation
import PostgresNIO
import RecordCore
import RecordStore

extension PostgresStore: ScenarioStore {
    /// Creates or replaces a type's schema. Changed identifiers re-index the type's keys; a collision names
    /// the records and writes nothing.
    public func applyType(_ type: ObjectType) throws {
        try write("type apply") { tx in
            let old = try tx.objectType(type.key)
            try link.execute(
                """
                INSERT INTO types(key, schema, updated_at) VALUES (\(type.key), \(type.json.jsonText), \(clock()))
                ON CONFLICT(key) DO UPDATE SET schema = excluded.schema, updated_at = excluded.updated_at
                """)
            guard let old, old.identifiers != type.identifiers else { return }
            try link.execute("DELETE FROM record_keys WHERE type = \(type.key)")
            let rows = try link.rows(
                "SELECT r.seq, \(unescaped: PostgresRecordRow.columns) FROM records r WHERE r.type = \(type.key) ORDER BY r.seq"
            )
            // Every record's keys, checked for a clash here, then inserted in one statement.
            var holders: [IdentifierKey: String] = [:]
            var keys: [IdentifierKey] = [], seqs: [Int64] = []
            for row in rows {
                let seq = try row.makeRandomAccess()[0].decode(Int64.self)
                let r = try PostgresRecordRow.record(row, at: 1)
                for k in Set(type.keys(of: r)) {
                    if let holder = holders[k] {
                        throw StoreError.refused(
                            "cannot apply the schema: records \(holder) and \(r.id) both hold \(k.identifier) \"\(k.value)\"; nothing written"
                        )
                    }
                    holders[k] = r.id
                    keys.append(k)
                    seqs.append(seq)
                }
            }
            _ = try PostgresWriter.insertKeys(keys, seqs: seqs, type: type.key, cased: type.casedIdentifiers, link)
        }
    }

    /// Inserts initial records (scenario `records`), in order; a record without `created_at` gets one a
    /// second after the previous, so file order is creation order.
    public func seed(_ records: [JSONValue]) throws {
        let base = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        try write("seed") { tx in
            for (i, json) in records.enumerated() {
                let r = try Record(json: json, defaultTime: base.addingTimeInterval(Double(i)))
                guard let type = try tx.objectType(r.type) else {
                    throw StoreError.notFound("seed record \(r.id): unknown type \"\(r.type)\"")
                }
                try PostgresWriter.apply(
                    RecordWrite(op: .create, before: nil, after: r), type: type, source: WriteSource("seed"),
                    at: r.createdAt, tx)
            }
        }
    }

    /// A fingerprint of every table a write touches, to prove a preview wrote nothing.
    public func snapshot() throws -> String {
        try read { _ in
            try snapshotTables.map { t in
                let row = try link.rows(
                    PostgresQuery(
                        unsafeSQL:
                            "SELECT count(*), coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') FROM \(t) x"
                    )
                ).first!
                let (n, digest) = try row.decode((Int64, String).self)
                return "\(t) \(n) \(digest)"
            }.joined(separator: "\n")
        }
    }

    /// Active and archived counts of one type.
    public func counts(type: String) throws -> (active: Int, archived: Int)? {
        try read { _ in
            try link.rows("SELECT active, archived FROM types WHERE key = \(type)").first.map {
                let (a, b) = try $0.decode((Int64, Int64).self)
                return (Int(a), Int(b))
            }
        }
    }

    /// Every record of every type (small stores: scenarios, tests).
    public func allRecords() throws -> [Record] {
        try read { _ in
            try link.rows(PostgresQuery(unsafeSQL: "SELECT \(PostgresRecordRow.columns) FROM records r ORDER BY r.seq"))
                .map { try PostgresRecordRow.record($0) }
        }
    }
}
