import Foundation
import RecordCore
import Testing

@testable import RecordStore

/// Group commit (`RecordStore.serve`): requests that arrive together share one transaction, each in its own
/// savepoint, journaled with its write; a prompt-mode conflict is parked and its journal entry later says
/// how it was resolved.
@Suite struct ServeStoreTests {
    static func served(_ body: String, _ log: Log) -> ServedRequest {
        let exchange = Exchange(
            Dialects.named("native")!, type: "contacts", query: [], bytes: Array(body.utf8))
        return ServedRequest(exchange: exchange) { outcome in
            log.add(outcome.response.status)
            return JournalEntry(
                at: Date(), dialect: "native", method: "POST", path: "/types/contacts/upsert", query: "",
                headers: [:], body: body, status: outcome.response.status, response: outcome.response.body.jsonText,
                decision: outcome.plans.first?.decision.rawValue, recordID: outcome.plans.first?.record?.id,
                processID: nil, milliseconds: 1)
        }
    }

    final class Log: @unchecked Sendable {
        private(set) var statuses: [Int] = []
        func add(_ s: Int) { statuses.append(s) }
    }

    static func body(_ email: String, _ extra: String = "") -> String {
        #"{"lookup":{"identifier":"email"},"data":{"email":"\#(email)"\#(extra)}}"#
    }

    @Test func aGroupAppliesInOrderEachAnsweredAndJournaledInTheSameTransaction() throws {
        let store = try StoreFixtures.store()
        let log = Log()
        let results = try store.serve(
            [
                Self.served(Self.body("a@x.io"), log),
                Self.served(Self.body("a@x.io", #","n":2"#), log),  // sees the create before it
                Self.served(#"{"data": nope}"#, log),  // malformed: its own 400, the others unaffected
                Self.served(Self.body("b@x.io"), log),
            ], source: WriteSource("serve"))
        let decisions = results.map { (try? $0.get())?.plans.first?.decision }
        #expect(decisions == [.create, .update, .invalid, .create])
        #expect(results.map { (try? $0.get())?.response.status } == [201, 200, 400, 201])
        #expect(try store.counts(type: "contacts")! == (2, 0))
        let journal = try store.requests(limit: 10)
        #expect(journal.map(\.status) == [201, 200, 400, 201])
        #expect(journal.map(\.decision) == ["create", "update", "invalid", "create"])
    }

    @Test func aPromptConflictIsParkedAndItsResolutionReachesTheJournal() throws {
        let store = try StoreFixtures.store()
        let created = try store.upsert(StoreFixtures.request("old@x.io"), source: WriteSource("test"))
        _ = try store.archive(type: "contacts", ids: [created.record!.id], source: WriteSource("test"))
        let log = Log()
        let result = try store.serve(
            [Self.served(Self.body("old@x.io", #","n":7"#), log)], source: WriteSource("serve"))
        #expect(try result[0].get().plans.first?.decision == .conflict)
        let entry = try #require(try store.requests(limit: 1).first)
        let conflict = try #require(try store.conflicts().first)
        #expect(entry.conflictID == conflict.id && entry.resolution == nil)
        #expect(conflict.dialect == "native")
        // Resolved (as the TUI's resolver does): the journal entry says what was chosen.
        var request = try StoreFixtures.request("old@x.io", ["n": 7])
        request.onArchivedMatch = .unarchive_update
        try store.resolveConflict(id: conflict.id, request: request, resolution: "unarchive_update", source: .init("t"))
        #expect(try store.request(id: entry.id!)?.resolution == "unarchive_update")
        #expect(try store.findRecord(type: "contacts", key: "old@x.io")?.data["n"] == 7)
    }

    @Test func aSkippedConflictIsJournaledAsSkipped() throws {
        let store = try StoreFixtures.store()
        let created = try store.upsert(StoreFixtures.request("s@x.io"), source: WriteSource("test"))
        _ = try store.archive(type: "contacts", ids: [created.record!.id], source: WriteSource("test"))
        _ = try store.serve([Self.served(Self.body("s@x.io"), Log())], source: WriteSource("serve"))
        let conflict = try #require(try store.conflicts().first)
        try store.resolveConflict(id: conflict.id, request: nil, resolution: "skip", source: .init("t"))
        #expect(try store.requests(limit: 1).first?.resolution == "skip")
        #expect(try store.findRecord(type: "contacts", key: "s@x.io")?.archived == true)
    }

    @Test func aRequestThatFailsInTheStoreFailsAloneAndTheOthersCommit() throws {
        let store = try StoreFixtures.store()
        var broken = StoreFixtures.contacts
        broken.key = "broken"
        try store.applyType(broken)
        // Its stored schema made unreadable: planning a request of that type throws a store error.
        try store.writeTransaction("test") { db in
            try db.execute(sql: "UPDATE types SET schema = 'not json' WHERE key = 'broken'")
        }
        let bad = ServedRequest(
            exchange: Exchange(
                Dialects.named("native")!, type: "broken", query: [], bytes: Array(Self.body("x@x.io").utf8))
        ) { _ in
            JournalEntry(
                at: Date(), dialect: "native", method: "POST", path: "/", query: "", headers: [:],
                body: "", status: 0, response: "", decision: nil, recordID: nil, processID: nil, milliseconds: 0)
        }
        let log = Log()
        let results = try store.serve(
            [Self.served(Self.body("a@x.io"), log), bad, Self.served(Self.body("b@x.io"), log)],
            source: WriteSource("serve"))
        #expect((try? results[0].get())?.response.status == 201)
        #expect((try? results[2].get())?.response.status == 201)
        guard case .failure(let failure) = results[1] else {
            Issue.record("the broken type's request did not fail")
            return
        }
        #expect(failure.message.contains("stored schema of type broken is unreadable"))
        #expect(try store.counts(type: "contacts")! == (2, 0))
        #expect(try store.requests(limit: 10).map(\.status) == [201, 201])
    }
}
