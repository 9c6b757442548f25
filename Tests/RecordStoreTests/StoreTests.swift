import Foundation
import RecordCore
import TestSupport
import Testing

@testable import RecordStore

enum StoreFixtures {
    static let contacts = try! ObjectType(json: [
        "key": "contacts", "kind": "contact",
        "fields": [["key": "email", "type": "email", "required": true], ["key": "n", "type": "integer"]],
        "identifiers": [["name": "email", "source": "$.email", "normalize": "email"]],
    ])

    static func request(_ email: String, _ extra: JSONObject = [:]) throws -> UpsertRequest {
        var data: JSONObject = ["email": .string(email)]
        data.merge(extra) { _, b in b }
        return try NativeRequest.decode(
            type: "contacts", body: ["lookup": ["identifier": "email"], "data": .object(data)])
    }

    static func store() throws -> RecordStore {
        let s = try RecordStore.inMemory()
        try s.applyType(contacts)
        return s
    }

    /// Import items upserting each email by its identifier, with `n` in the data.
    static func importItems(_ emails: [String], n: Int) -> [ImportItem] {
        emails.map { email in
            ImportItem(
                request: NativeRequest.result(
                    type: "contacts",
                    body: ["lookup": ["identifier": "email"], "data": ["email": .string(email), "n": .int(Int64(n))]]),
                body: nil)
        }
    }
}

@Suite struct StoreTests {
    @Test func upsertWritesRecordKeysAndRevision() throws {
        let store = try StoreFixtures.store()
        let created = try store.upsert(StoreFixtures.request("A@x.com"), source: WriteSource("test"))
        #expect(created.decision == .create)
        let updated = try store.upsert(StoreFixtures.request(" a@X.com ", ["n": 2]), source: WriteSource("test"))
        #expect(updated.decision == .update)
        #expect(updated.record?.id == created.record?.id)
        let history = try store.history(recordID: created.record!.id)
        #expect(history.map(\.op) == [.create, .update])
        #expect(history.map(\.version) == [1, 2])
        #expect(try store.counts(type: "contacts")! == (1, 0))
    }

    @Test func planWritesNothing() throws {
        let store = try StoreFixtures.store()
        let before = try store.snapshot()
        #expect(try store.plan(StoreFixtures.request("a@x.com")).decision == .create)
        #expect(try store.snapshot() == before)
    }

    @Test func keysetPagingVisitsEveryRecordOnce() throws {
        let store = try StoreFixtures.store()
        let items = (0..<2_500).map { i in
            ImportItem(request: .success(try! StoreFixtures.request("p\(i)@x.com")), body: nil)
        }
        for chunk in stride(from: 0, to: items.count, by: 1000) {
            _ = try store.importBatch(
                Array(items[chunk..<min(chunk + 1000, items.count)]), type: "contacts", source: WriteSource("test"))
        }
        var seen: [String] = []
        var cursor: Int64? = nil
        var pages = 0
        repeat {
            let page = try store.list(type: "contacts", after: cursor, limit: 300)
            seen += page.records.map { $0.data["email"]!.stringValue! }
            cursor = page.next
            pages += 1
        } while cursor != nil
        #expect(pages == 9)
        #expect(seen.count == 2_500)
        #expect(Set(seen).count == 2_500)
        #expect(seen.first == "p0@x.com" && seen.last == "p2499@x.com")
    }

    @Test func countsFollowArchiveAndRestoreWithoutScanning() throws {
        let store = try StoreFixtures.store()
        let id = try store.upsert(StoreFixtures.request("a@x.com"), source: WriteSource("t")).record!.id
        _ = try store.upsert(StoreFixtures.request("b@x.com"), source: WriteSource("t"))
        try store.archive(type: "contacts", id: id, source: WriteSource("t"))
        #expect(try store.counts(type: "contacts")! == (1, 1))
        #expect(try store.list(type: "contacts", filter: .archived).records.map(\.id) == [id])
        #expect(throws: StoreError.self) { try store.archive(type: "contacts", id: id, source: WriteSource("t")) }
        try store.restore(type: "contacts", id: id, source: WriteSource("t"))
        #expect(try store.counts(type: "contacts")! == (2, 0))
    }

    @Test func undoRestoresThePreviousStateAndUndoOfCreateArchives() throws {
        let store = try StoreFixtures.store()
        let id = try store.upsert(StoreFixtures.request("a@x.com", ["n": 1]), source: WriteSource("t")).record!.id
        _ = try store.upsert(StoreFixtures.request("a@x.com", ["n": 2]), source: WriteSource("t"))
        let revs = try store.history(recordID: id)
        // Undoing the first revision while the record is at version 2 is refused.
        #expect(throws: StoreError.self) { try store.undo(revision: revs[0].id, source: WriteSource("t")) }
        let undone = try store.undo(revision: revs[1].id, source: WriteSource("t"))
        #expect(undone.data["n"] == 1)
        #expect(undone.version == 3)
        // Undo of a create archives: nothing is deleted.
        let other = try store.upsert(StoreFixtures.request("z@x.com"), source: WriteSource("t")).record!.id
        let createRev = try store.history(recordID: other)[0].id
        let archived = try store.undo(revision: createRev, source: WriteSource("t"))
        #expect(archived.archived)
        #expect(try store.record(id: other) != nil)
    }

    @Test func importParksPromptConflictsInTheQueue() throws {
        let store = try StoreFixtures.store()
        let id = try store.upsert(StoreFixtures.request("a@x.com"), source: WriteSource("t")).record!.id
        try store.archive(type: "contacts", id: id, source: WriteSource("t"))
        let plans = try store.importBatch(
            [
                ImportItem(request: .success(try StoreFixtures.request("A@x.com", ["n": 5])), body: ["x": 1]),
                ImportItem(request: .success(try StoreFixtures.request("new@x.com")), body: nil),
            ], type: "contacts", source: WriteSource("import", batch: "b1"))
        #expect(plans.map(\.decision) == [.conflict, .create])
        let queue = try store.conflicts()
        #expect(queue.count == 1)
        #expect(queue.first?.recordID == id)
        #expect(try store.types().first?.pendingConflicts == 1)
    }

    @Test func aFailingBatchWritesNothing() throws {
        let store = try StoreFixtures.store()
        _ = try store.upsert(StoreFixtures.request("held@x.com"), source: WriteSource("t"))
        let before = try store.snapshot()
        // A key collision the planner cannot see (a schema re-index clash) aborts the whole transaction.
        var clash = StoreFixtures.contacts
        clash.declaredIdentifiers = [
            Identifier(name: "n", source: .data(try JSONPath(parsing: "$.n")), normalize: .exact)
        ]
        _ = try store.upsert(StoreFixtures.request("other@x.com", ["n": 1]), source: WriteSource("t"))
        _ = try store.upsert(StoreFixtures.request("held@x.com", ["n": 1]), source: WriteSource("t"))
        let afterUpserts = try store.snapshot()
        #expect(afterUpserts != before)
        #expect(throws: StoreError.self) { try store.applyType(clash) }
        #expect(try store.snapshot() == afterUpserts)
    }

    @Test func unreadableStoredDataIsAnErrorNotAnOverwrite() throws {
        let store = try StoreFixtures.store()
        _ = try store.upsert(StoreFixtures.request("a@x.com", ["n": 1]), source: WriteSource("t"))
        try store.writer.write { db in try db.execute(sql: "UPDATE records SET data = '{broken'") }
        #expect { try store.list(type: "contacts") } throws: { "\($0)".contains("unreadable JSON") }
        #expect(throws: StoreError.self) {
            try store.upsert(StoreFixtures.request("a@x.com", ["n": 2]), source: WriteSource("t"))
        }
        let raw = try store.writer.read { db in try String.fetchOne(db, sql: "SELECT data FROM records") }
        #expect(raw == "{broken")
    }

    @Test func readOnlyStoreRefusesWrites() throws {
        let tmp = try TemporaryFolder()
        let path = tmp.path("ro.sqlite")
        do {
            let rw = try RecordStore.open(path: path)
            try rw.applyType(StoreFixtures.contacts)
        }
        let ro = try RecordStore.open(path: path, readOnly: true)
        #expect(throws: StoreError.self) { try ro.upsert(StoreFixtures.request("a@x.com"), source: WriteSource("t")) }
        #expect(try ro.types().count == 1)
    }

    @Test func openingNamesAMissingFolder() {
        #expect { try RecordStore.open(path: "/no/such/folder/db.sqlite") } throws: {
            "\($0)".contains("/no/such/folder")
        }
    }

    /// Two connections racing to create the same new key: BEGIN IMMEDIATE serialises them, the second
    /// re-plans inside its transaction and updates.
    @Test func concurrentUpsertsOfOneNewKeyCreateOnce() async throws {
        let tmp = try TemporaryFolder()
        let path = tmp.path("race.sqlite")
        try RecordStore.open(path: path).applyType(StoreFixtures.contacts)
        let decisions = try await withThrowingTaskGroup(of: [Decision].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let store = try RecordStore.open(path: path)
                    return try (0..<50).map { i in
                        try store.upsert(
                            StoreFixtures.request("k\(i)@x.com", ["n": .int(Int64(worker))]),
                            source: WriteSource("w\(worker)")
                        ).decision
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(decisions.filter { $0 == .create }.count == 50)
        #expect(decisions.allSatisfy { [.create, .update, .unchanged].contains($0) })
        #expect(try RecordStore.open(path: path).counts(type: "contacts")! == (50, 0))
    }
}

/// Issue 14: "oldest wins" among records created in the same millisecond follows insertion order.
@Suite struct OldestMatchTests {
    /// Twenty contacts share an email (the type keys them by `n`, so they can) and one creation time; every
    /// order-dependent choice must pick the first inserted, not the one with the smallest random id.
    @Test func sameMillisecondCandidatesAreOrderedByInsertion() throws {
        let store = try RecordStore.inMemory(clock: { Date(timeIntervalSince1970: 1_790_000_000) })
        try store.applyType(
            ObjectType(json: [
                "key": "people", "kind": "contact",
                "fields": [["key": "email", "type": "email"], ["key": "n", "type": "integer"]],
                "identifiers": [["name": "n", "source": "$.n", "normalize": "exact"]],
            ]))
        var ids: [String] = []
        for n in 0..<20 {
            let body: JSONValue = [
                "lookup": ["identifier": "n"], "data": ["email": "same@x.example", "n": .int(Int64(n))],
            ]
            ids.append(
                try store.upsert(NativeRequest.decode(type: "people", body: body), source: WriteSource("t")).record!.id)
        }
        let kizen = try store.perform(
            Exchange(
                KizenDialect(),
                DialectRequest(type: "people", body: ["lookup_value": "SAME@X.EXAMPLE", "fields": ["n": 99]])),
            apply: false, source: WriteSource("t"))
        #expect(kizen.plans.first?.match?.id == ids[0])
        let first = try NativeRequest.decode(
            type: "people",
            body: [
                "lookup": ["path": "$.email", "value": "same@x.example"], "on_multiple_matches": "first",
                "data": ["n": 100],
            ])
        #expect(try store.plan(first).match?.id == ids[0])
    }
}

/// Revisions keep a compact `after` (issue 17); a database written before keeps full record JSON in its
/// revisions, and history and undo read both.
@Suite struct RevisionFormatTests {
    @Test func historyAndUndoReadRevisionsWrittenInFullBefore() throws {
        let store = try StoreFixtures.store()
        let created = try store.upsert(StoreFixtures.request("a@x.io", ["n": 1]), source: WriteSource("t"))
        try store.upsert(StoreFixtures.request("a@x.io", ["n": 2]), source: WriteSource("t"))
        let id = created.record!.id
        let compact = try store.history(recordID: id)
        let stored = try store.read { db in try String.fetchAll(db, sql: "SELECT after FROM revisions ORDER BY id") }
        #expect(stored[0] == #"{"data":{"email":"a@x.io","n":1}}"#)
        // Rewrite both revisions as an older recdeck wrote them: the whole record.
        try store.writeTransaction("test") { db in
            for rev in compact {
                try db.execute(
                    sql: "UPDATE revisions SET after = ? WHERE id = ?", arguments: [rev.after.json.jsonText, rev.id])
            }
        }
        let full = try store.history(recordID: id)
        #expect(full.map(\.after) == compact.map(\.after))
        #expect(full.map(\.before) == compact.map(\.before))
        // Undo of the update reads the full previous revision: n back to 1.
        let undone = try store.undo(revision: full[1].id, source: WriteSource("t"))
        #expect(undone.data["n"] == 1)
    }
}

/// The writer keeps the per-type counts itself (one UPDATE per batch, no trigger): every kind of write keeps
/// them equal to the records.
@Suite struct CountTests {
    @Test func everyKindOfWriteKeepsTheCounts() throws {
        let store = try StoreFixtures.store()
        let a = try store.upsert(StoreFixtures.request("a@x.io"), source: WriteSource("t")).record!
        let b = try store.upsert(StoreFixtures.request("b@x.io"), source: WriteSource("t")).record!
        #expect(try StoreCounts.agree(store) && store.counts(type: "contacts")! == (2, 0))
        _ = try store.archive(type: "contacts", ids: [a.id, b.id], source: WriteSource("t"))
        #expect(try StoreCounts.agree(store) && store.counts(type: "contacts")! == (0, 2))
        _ = try store.restore(type: "contacts", id: a.id, source: WriteSource("t"))
        #expect(try StoreCounts.agree(store) && store.counts(type: "contacts")! == (1, 1))
        // An import batch with a create, an update and an invalid item.
        let items = [
            #"{"lookup":{"identifier":"email"},"data":{"email":"c@x.io"}}"#,
            #"{"lookup":{"identifier":"email"},"data":{"email":"a@x.io","n":3}}"#, #"{"data":"no"}"#,
        ].map { text -> ImportItem in
            let body = try! JSONValue.parse(text)
            return ImportItem(request: NativeRequest.result(type: "contacts", body: body), body: body)
        }
        _ = try store.importBatch(items, type: "contacts", source: WriteSource("t"))
        #expect(try StoreCounts.agree(store) && store.counts(type: "contacts")! == (2, 1))
        // A batch that fails part-way is rolled back whole, counts included.
        let history = try store.history(recordID: a.id)
        _ = try store.undo(revision: history.last!.id, source: WriteSource("t"))
        #expect(try StoreCounts.agree(store))
    }
}
