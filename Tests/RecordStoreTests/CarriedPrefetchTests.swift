import Foundation
import RecordCore
import TestSupport
import Testing

@testable import RecordStore

/// An import batch answers the next batch's key probes ahead (issue 17, `CarriedPrefetch`): the answers
/// are the state after the batch, or are not used.
@Suite struct CarriedPrefetchTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder("carried") }

    func store() throws -> RecordStore {
        let s = try RecordStore.open(path: folder.url.appendingPathComponent("db.sqlite").path)
        try s.applyType(StoreFixtures.contacts)
        return s
    }

    func items(_ emails: [String], n: Int) -> [ImportItem] { StoreFixtures.importItems(emails, n: n) }

    func decisions(_ plans: [Plan]) -> [String] { plans.map(\.decision.rawValue) }

    @Test func keysTheBatchBeforeWroteAreAskedAgain() throws {
        let s = try store()
        let first = items(["a@x.io", "b@x.io"], n: 1)
        let second = items(["b@x.io", "c@x.io", "a@x.io"], n: 2)
        #expect(
            decisions(try s.importBatch(first, type: "contacts", source: WriteSource("t"), next: second)) == [
                "create", "create",
            ])
        // b and a were created by the first batch, after the second's probes were answered ahead.
        #expect(
            decisions(try s.importBatch(second, type: "contacts", source: WriteSource("t"))) == [
                "update", "create", "update",
            ])
        #expect(try s.counts(type: "contacts")?.active == 3)
    }

    /// A key the batch removed without probing it (an external id replaced by an update by email) is free
    /// for the next batch, though it was held when the next batch's probes were answered.
    @Test func aKeyTheBatchRemovedIsFreeForTheNext() throws {
        let s = try store()
        func item(_ body: JSONValue) -> ImportItem {
            ImportItem(request: NativeRequest.result(type: "contacts", body: body), body: nil)
        }
        let source = WriteSource("t")
        _ = try s.importBatch(
            [item(["lookup": ["identifier": "email"], "external_id": "E1", "data": ["email": "a@x.io"]])],
            type: "contacts", source: source)
        let second = [item(["external_id": "E1", "data": ["email": "b@x.io"]])]
        let first = [item(["lookup": ["identifier": "email"], "external_id": "E2", "data": ["email": "a@x.io"]])]
        #expect(decisions(try s.importBatch(first, type: "contacts", source: source, next: second)) == ["update"])
        #expect(decisions(try s.importBatch(second, type: "contacts", source: source)) == ["create"])
    }

    @Test func anotherConnectionsWriteInBetweenIsSeen() throws {
        let s = try store()
        _ = try s.importBatch(items(["a@x.io"], n: 1), type: "contacts", source: WriteSource("t"))
        let second = items(["a@x.io"], n: 3)
        _ = try s.importBatch(items(["z@x.io"], n: 2), type: "contacts", source: WriteSource("t"), next: second)
        // Another process archives a@x.io between the two batches: the answer carried ahead (active) is stale.
        let other = try RecordStore.open(path: s.path)
        let a = try #require(
            try other.page(RecordQuery(type: "contacts", filter: .prefix("a@")), from: nil, limit: 1).first)
        _ = try other.archive(type: "contacts", id: a.record.id, source: WriteSource("other"))
        #expect(decisions(try s.importBatch(second, type: "contacts", source: WriteSource("t"))) == ["conflict"])
    }

    @Test func thisConnectionsOtherWritesInBetweenAreSeen() throws {
        let s = try store()
        _ = try s.importBatch(items(["a@x.io"], n: 1), type: "contacts", source: WriteSource("t"))
        let second = items(["a@x.io"], n: 3)
        _ = try s.importBatch(items(["z@x.io"], n: 2), type: "contacts", source: WriteSource("t"), next: second)
        let a = try #require(
            try s.page(RecordQuery(type: "contacts", filter: .prefix("a@")), from: nil, limit: 1).first)
        _ = try s.archive(type: "contacts", id: a.record.id, source: WriteSource("tui"))
        #expect(decisions(try s.importBatch(second, type: "contacts", source: WriteSource("t"))) == ["conflict"])
    }
}
