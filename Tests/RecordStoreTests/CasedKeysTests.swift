import Foundation
import GRDB
import RecordCore
import TestSupport
import Testing

@testable import RecordStore

/// Only identifiers whose keys keep ASCII capitals (`exact`, e.g. external ids) are in the NOCASE keys index
/// (migration v11, issue 17): every other key is lowercase or digits, and the primary key serves its
/// case-insensitive prefix filter.
@Suite struct CasedKeysTests {
    static let type = try! ObjectType(
        json: JSONValue.parse(
            #"{"key":"c","identifiers":[{"name":"email","source":"$.email","normalize":"email"},{"name":"code","source":"$.code"}]}"#
        ))
    static let codes = ["ABC-1", "abc-2", "Abd-3", "xyz-4", "ab", "AB-0"]

    func store() throws -> RecordStore {
        let s = try RecordStore.inMemory()
        try s.applyType(Self.type)
        for (i, code) in Self.codes.enumerated() {
            try s.upsert(
                NativeRequest.decode(
                    type: "c", body: ["data": ["email": .string("U\(i)@X.io"), "code": .string(code)]]),
                source: WriteSource("t"))
        }
        return s
    }

    func cased(_ s: RecordStore) throws -> [String: Bool] {
        try s.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT identifier, value, cased FROM record_keys").map
                {
                    ("\($0["identifier"] as String) \($0["value"] as String)", $0["cased"] as Bool)
                })
        }
    }

    @Test func casedKeysAreMarkedAndFoundCaseInsensitivelyInOrder() throws {
        let s = try store()
        let marks = try cased(s)
        #expect(marks["code ABC-1"] == true && marks["code abc-2"] == true)
        #expect(marks["email u0@x.io"] == false)
        // "ab…" in any case, ordered by (value NOCASE, value), both ways a page at a time.
        let q = RecordQuery(type: "c", archived: .all, filter: .prefix("aB"))
        let rows = try s.page(q, from: nil, limit: 50).compactMap(\.matched)
        #expect(rows == ["code ab", "code AB-0", "code ABC-1", "code abc-2", "code Abd-3"])
        let (f, b) = try PagingTests().walk(s, q, pageSize: 1)
        #expect(f == b && f.count == 5)
    }

    @Test func changingAnIdentifiersNormalisationRemarksItsKeys() throws {
        let s = try store()
        var folded = Self.type.json
        folded = try JSONValue.parse(
            folded.jsonText.replacingOccurrences(
                of: #""source":"$.code""#, with: #""source":"$.code","normalize":"casefold""#))
        try s.applyType(ObjectType(json: folded))
        let marks = try cased(s)
        #expect(marks["code abc-1"] == false && marks["code ABC-1"] == nil)
        let rows = try s.page(RecordQuery(type: "c", archived: .all, filter: .prefix("AB")), from: nil, limit: 50)
        #expect(rows.compactMap(\.matched) == ["code ab", "code ab-0", "code abc-1", "code abc-2", "code abd-3"])
    }

    /// A database from before v11: its keys are marked from each type's schema, and the index is rebuilt.
    @Test func migrationMarksExistingKeysFromTheSchemas() throws {
        let queue = try DatabaseQueue()
        try StoreSchema.migrator.migrate(queue, upTo: "v10-counts-without-triggers")
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO types(key, schema, updated_at) VALUES ('c', ?, '2026-01-01T00:00:00Z')",
                arguments: [Self.type.json.jsonText])
            try db.execute(
                sql: """
                    INSERT INTO record_keys(type, identifier, value, record_id) VALUES
                    ('c', 'code', 'ABC-1', 'r1'), ('c', 'email', 'u1@x.io', 'r1'), ('c', 'external_id', 'E-1', 'r1')
                    """)
        }
        try StoreSchema.migrator.migrate(queue)
        let marks = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT identifier, cased FROM record_keys ORDER BY identifier").map {
                "\($0["identifier"] as String)=\($0["cased"] as Int)"
            }
        }
        #expect(marks == ["code=1", "email=0", "external_id=1"])
        let index = try queue.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'record_keys_nocase'")
        }
        #expect(index?.contains("WHERE cased = 1") == true)
    }

    /// A database from before v16: each key comes to point at its record's `seq`, and lookups, the prefix
    /// filter and new writes go through it.
    @Test func migrationPointsKeysAtTheRecordsSeq() throws {
        let folder = try TemporaryFolder("keys-seq")
        let path = folder.url.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v15-named-records-index")
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO types(key, schema, active, updated_at) VALUES ('c', ?, 2, '2026-01-01T00:00:00Z')",
                arguments: [Self.type.json.jsonText])
            for (seq, id, code) in [(7, "r1", "ABC-1"), (9, "r2", "ABD-2")] {
                try db.execute(
                    sql: """
                        INSERT INTO records(seq, id, type, data, version, created_at, updated_at)
                        VALUES (?, ?, 'c', ?, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                        """,
                    arguments: [seq, id, #"{"code":"\#(code)"}"#])
                try db.execute(
                    sql:
                        "INSERT INTO record_keys(type, identifier, value, record_id, cased) VALUES ('c', 'code', ?, ?, 1)",
                    arguments: [code, id])
            }
        }
        try queue.close()
        let s = try RecordStore.open(path: path)
        let seqs = try s.read { db in try Int64.fetchAll(db, sql: "SELECT record_seq FROM record_keys ORDER BY value") }
        #expect(seqs == [7, 9])
        #expect(try s.findRecord(type: "c", key: "ABD-2")?.id == "r2")
        let rows = try s.page(RecordQuery(type: "c", filter: .prefix("ab")), from: nil, limit: 10)
        #expect(rows.map(\.record.id) == ["r1", "r2"])
        // A change of a key through the store removes the old one by the record's seq.
        var request = UpsertRequest(type: "c")
        request.data = ["code": "ABE-3"]
        request.lookup = .recordID("r1")
        #expect(try s.upsert(request, source: WriteSource("t")).decision == .update)
        #expect(try s.findRecord(type: "c", key: "ABC-1") == nil)
        #expect(try s.findRecord(type: "c", key: "ABE-3")?.id == "r1")
    }
}
