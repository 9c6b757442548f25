import Foundation
import RecordCore
import Testing

@testable import RecordStore

/// Bulk requests through the store: order, atomicity, previews, processes, parked conflicts.
@Suite struct BulkExchangeTests {
    static func batch(_ records: [JSONValue], atomic: Bool = false) -> DialectRequest {
        DialectRequest(type: "contacts", body: ["records": .array(records), "atomic": .bool(atomic)])
    }
    static let good: [JSONValue] = [
        ["attributes": ["email": "a@x.com"], "identifiers": ["ext_id": "E1"]],
        ["attributes": ["n": 2], "identifiers": ["ext_id": "E1"]],
    ]
    static let bad: JSONValue = ["attributes": ["n": 3], "identifiers": ["id": "missing"]]

    @Test func itemsApplyInOrderAndTheProcessKeepsEachResult() throws {
        let store = try StoreFixtures.store()
        let x = try store.perform(
            Exchange(BulkDialect(), Self.batch(Self.good + [Self.bad])), apply: true, source: WriteSource("t"))
        #expect(x.response.status == 202 && x.committed)
        #expect(x.plans.map(\.decision) == [.create, .update, .invalid])
        let id = try #require(x.processID)
        #expect(x.response.body["processId"] == .string(id))
        let process = try #require(try store.process(id: id))
        #expect(process.status == .complete && process.results.count == 3)
        #expect(process.results.map { $0["applied"] } == [true, true, false])
        #expect(try store.counts(type: "contacts")?.active == 1)
        #expect(try store.recentProcesses().first?.id == id)
    }

    @Test func anAtomicBatchWithAFailedItemWritesNoRecord() throws {
        let store = try StoreFixtures.store()
        let x = try store.perform(
            Exchange(BulkDialect(), Self.batch(Self.good + [Self.bad], atomic: true)), apply: true,
            source: WriteSource("t"))
        #expect(!x.committed)
        #expect(try store.counts(type: "contacts")?.active == 0)
        #expect(try store.process(id: x.processID!)?.status == .rolledBack)
        let ok = try store.perform(
            Exchange(BulkDialect(), Self.batch(Self.good, atomic: true)), apply: true, source: WriteSource("t"))
        #expect(ok.committed && ok.plans.map(\.decision) == [.create, .update])
    }

    @Test func aPreviewSeesEarlierItemsAndWritesNothing() throws {
        let store = try StoreFixtures.store()
        let before = try store.snapshot()
        let x = try store.perform(
            Exchange(BulkDialect(), Self.batch(Self.good)), apply: false, source: WriteSource("t"))
        #expect(x.plans.map(\.decision) == [.create, .update])
        #expect(try store.snapshot() == before)
        #expect(try store.process(id: x.processID!) == nil)
    }

    @Test func promptConflictsOfABatchAreParked() throws {
        let store = try StoreFixtures.store()
        let first = try store.perform(
            Exchange(BulkDialect(), Self.batch([Self.good[0]])), apply: true, source: WriteSource("t"))
        try store.archive(type: "contacts", id: first.plans[0].record!.id, source: WriteSource("t"))
        let x = try store.perform(
            Exchange(BulkDialect(), Self.batch([["attributes": ["n": 9], "identifiers": ["ext_id": "E1"]]])),
            apply: true,
            source: WriteSource("t"))
        #expect(x.plans.map(\.decision) == [.conflict])
        #expect(try store.conflicts().count == 1)
    }

    @Test func aBodyOverTheLimitIsAnsweredInTheDialectsEnvelope() throws {
        let store = try StoreFixtures.store()
        let bytes = Array(
            ("{\"records\":[{\"attributes\":{\"email\":\"" + String(repeating: "x", count: Limits.maxBodyBytes)
                + "\"}}]}").utf8)
        let before = try store.snapshot()
        for dialect in Dialects.all {
            let x = try store.perform(
                Exchange(dialect, type: "contacts", bytes: bytes), apply: true, source: WriteSource("t"))
            #expect(x.refused && x.response.status == 413, "\(dialect.name): \(x.response)")
        }
        #expect(try store.snapshot() == before)
    }
}
