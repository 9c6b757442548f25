import Foundation
import RecordCore
import Testing

@testable import RecordStore

@Suite struct MergeStoreTests {
    /// A store with two duplicate contacts (a, b), a child of b and a contact associated with b.
    func fixture() throws -> (RecordStore, a: Record, b: Record, child: Record, referrer: Record) {
        let store = try StoreFixtures.store()
        let src = WriteSource("test")
        let a = try #require(store.upsert(StoreFixtures.request("jane@x.com", ["n": 1]), source: src).record)
        let b = try #require(
            store.upsert(StoreFixtures.request("jane.smith@y.com", ["n": 2, "tags": ["vip"]]), source: src).record)
        let child = try #require(
            store.upsert(
                NativeRequest.decode(
                    type: "contacts",
                    body: [
                        "lookup": ["identifier": "email"], "data": ["email": "kid@x.com"], "parent_id": .string(b.id),
                    ]), source: src
            ).record)
        let referrer = try #require(
            store.upsert(
                NativeRequest.decode(
                    type: "contacts",
                    body: [
                        "lookup": ["identifier": "email"], "data": ["email": "boss@x.com"],
                        "associations": [.string(b.id)],
                    ]), source: src
            ).record)
        return (store, a, b, child, referrer)
    }

    @Test func mergeWritesEverythingInOneBatchAndUndoRestoresEveryRecord() throws {
        let (store, a, b, child, referrer) = try fixture()
        let keysBefore = try store.findRecord(type: "contacts", key: "JANE.SMITH@y.com")?.id
        #expect(keysBefore == b.id)
        let outcome = try store.merge(
            type: "contacts", survivor: a.id, losers: [b.id], take: ["email": b.id], source: WriteSource("test"))
        let merged = try #require(try store.record(id: a.id))
        #expect(merged.data.objectValue?["email"] == "jane.smith@y.com" && merged.data.objectValue?["tags"] == ["vip"])
        let loser = try #require(try store.record(id: b.id))
        #expect(loser.archived && loser.mergedInto == a.id)
        #expect(try store.record(id: child.id)?.parentID == a.id)
        #expect(try store.record(id: referrer.id)?.associations == [a.id])
        // The survivor now answers to the loser's email; the old one is free.
        #expect(try store.findRecord(type: "contacts", key: "jane.smith@y.com")?.id == a.id)
        #expect(try store.findRecord(type: "contacts", key: "jane@x.com") == nil)
        let batch = try store.history(recordID: b.id).last?.batch
        #expect(batch == "merge:\(outcome.id)")

        // A single revision of a merge cannot be undone alone.
        let rev = try #require(try store.history(recordID: child.id).last)
        #expect(throws: StoreError.self) { try store.undo(revision: rev.id, source: WriteSource("test")) }

        let restored = try store.undoMerge(id: outcome.id, source: WriteSource("test"))
        #expect(restored.count == 4)
        for original in [a, b, child, referrer] {
            let now = try #require(try store.record(id: original.id))
            #expect(now.sameContent(as: original), "\(original.id)")
        }
        #expect(try store.findRecord(type: "contacts", key: "jane.smith@y.com")?.id == b.id)
        #expect(try store.findRecord(type: "contacts", key: "jane@x.com")?.id == a.id)
        #expect(throws: StoreError.self) { try store.undoMerge(id: outcome.id, source: WriteSource("test")) }
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func undoIsRefusedWhenARecordChangedSinceAndWritesNothing() throws {
        let (store, a, b, _, _) = try fixture()
        let outcome = try store.merge(type: "contacts", survivor: a.id, losers: [b.id], source: WriteSource("test"))
        _ = try store.upsert(StoreFixtures.request("jane@x.com", ["n": 99]), source: WriteSource("test"))
        let loserBefore = try store.record(id: b.id)
        #expect(throws: StoreError.self) { try store.undoMerge(id: outcome.id, source: WriteSource("test")) }
        #expect(try store.record(id: b.id) == loserBefore)
    }

    @Test func anInvalidMergeWritesNothing() throws {
        let (store, a, b, _, _) = try fixture()
        #expect(throws: StoreError.self) {
            try store.merge(
                type: "contacts", survivor: a.id, losers: [b.id], take: ["email": "zzz"], source: WriteSource("test"))
        }
        #expect(try store.record(id: b.id)?.archived == false)
        #expect(try store.history(recordID: b.id).count == 1)
    }

    @Test func scanFindsGroupsThroughSQLiteExtractionAndCanBeCancelled() throws {
        let store = try StoreFixtures.store()
        for email in ["a@x.com", "b@x.com"] {
            _ = try store.upsert(
                StoreFixtures.request(email, ["alt": .string(email.uppercased())]), source: WriteSource("t"))
        }
        _ = try store.upsert(
            NativeRequest.decode(
                type: "contacts",
                body: ["lookup": ["identifier": "email"], "data": ["email": "c@x.com", "alt": " A@X.COM"]]),
            source: WriteSource("t"))
        let type = try #require(try store.objectType("contacts"))
        let report = try #require(
            try store.scanDuplicates(type: "contacts", rules: [DuplicateRule.parse("$.alt:email", for: type)]))
        #expect(report.scanned == 3 && report.groups.count == 1 && report.groups[0].recordIDs.count == 2)
        #expect(report.groups[0].reason == "same $.alt after lowercasing")
        #expect(
            try store.scanDuplicates(
                type: "contacts", rules: [DuplicateRule.parse("fuzzy-name", for: type)], progress: { _ in false })
                == nil)
    }
}
