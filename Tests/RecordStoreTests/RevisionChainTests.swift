import Foundation
import GRDB
import RecordCore
import TestSupport
import Testing

@testable import RecordStore

/// A record's revisions are a chain (issue 17): the row names its latest revision (`records.last_rev`),
/// each revision the one before it (`revisions.previous`); there is no index of revisions by record.
@Suite struct RevisionChainTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder("chains") }

    static let schema =
        #"{"key":"contacts","name":"Contacts","identifiers":[{"name":"email","source":"$.email","normalize":"email"}]}"#

    /// Writes interleave two records' revisions; each history holds exactly its own, oldest first.
    @Test func eachRecordReadsItsOwnChain() throws {
        let store = try RecordStore.open(path: folder.url.appendingPathComponent("s.sqlite").path)
        try store.applyType(try ObjectType(json: JSONValue.parse(Self.schema)))
        func upsert(_ email: String, _ score: Int) throws -> String {
            var request = UpsertRequest(type: "contacts")
            request.data = ["email": .string(email), "score": .int(Int64(score))]
            request.lookup = .path(try JSONPath(parsing: "$.email"), value: nil)
            let plan = try store.upsert(request, source: WriteSource("t"))
            return try #require(plan.record?.id)
        }
        let a = try upsert("a@x.io", 1)
        let b = try upsert("b@x.io", 1)
        _ = try upsert("a@x.io", 2)
        _ = try upsert("b@x.io", 2)
        _ = try upsert("a@x.io", 3)
        let historyA = try store.history(recordID: a)
        #expect(historyA.map(\.version) == [1, 2, 3])
        #expect(historyA.map { $0.after.data["score"] } == [.int(1), .int(2), .int(3)])
        #expect(historyA.map { $0.before?.data["score"] } == [nil, .int(1), .int(2)])
        #expect(try store.history(recordID: b).map(\.version) == [1, 2])
        let (index, lastRev) = try store.read { db in
            (
                try String.fetchOne(db, sql: "SELECT name FROM sqlite_master WHERE name = 'revisions_by_record'"),
                try Int64.fetchOne(db, sql: "SELECT last_rev FROM records WHERE id = ?", arguments: [a])
            )
        }
        #expect(index == nil)
        #expect(lastRev == historyA.last?.id)
        // Undo walks the chain one step back.
        let undone = try store.undo(revision: historyA[2].id, source: WriteSource("t"))
        #expect(undone.data["score"] == .int(2))
        #expect(try store.history(recordID: a).map(\.version) == [1, 2, 3, 4])
    }

    /// A store from before v14: the chains are built from the revisions it has, and the index goes.
    @Test func migrationChainsExistingRevisions() throws {
        let path = folder.url.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v13-one-insertion-index")
        try queue.write { db in
            try db.execute(
                sql:
                    "INSERT INTO types(key, schema, active, updated_at) VALUES ('contacts', ?, 2, '2026-01-01T00:00:00Z')",
                arguments: [Self.schema])
            for (seq, id) in [(1, "r1"), (2, "r2")] {
                let version = id == "r1" ? 3 : 2
                try db.execute(
                    sql: """
                        INSERT INTO records(seq, id, type, data, version, created_at, updated_at)
                        VALUES (?, ?, 'contacts', ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                        """,
                    arguments: [seq, id, #"{"score":\#(version)}"#, version])
            }
            // Interleaved: r1 v1, r2 v1, r1 v2, r2 v2, r1 v3.
            for (rev, record, version) in [(1, "r1", 1), (2, "r2", 1), (3, "r1", 2), (4, "r2", 2), (5, "r1", 3)] {
                try db.execute(
                    sql: """
                        INSERT INTO revisions(id, record_id, version, op, after, source, batch, at)
                        VALUES (?, ?, ?, ?, ?, 't', NULL, '2026-01-01T00:00:00Z')
                        """,
                    arguments: [
                        rev, record, version, version == 1 ? "create" : "update", #"{"data":{"score":\#(version)}}"#,
                    ])
            }
        }
        try queue.close()
        let store = try RecordStore.open(path: path)
        #expect(try store.history(recordID: "r1").map(\.id) == [1, 3, 5])
        #expect(try store.history(recordID: "r2").map(\.id) == [2, 4])
        #expect(try store.history(recordID: "r1").map { $0.before?.data["score"] } == [nil, .int(1), .int(2)])
        let undone = try store.undo(revision: 5, source: WriteSource("t"))
        #expect(undone.data["score"] == .int(2))
        #expect(try store.history(recordID: "r1").map(\.id) == [1, 3, 5, 6])
    }
}
