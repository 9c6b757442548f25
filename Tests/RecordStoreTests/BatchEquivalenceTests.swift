import Foundation
import GRDB
import PropertyBased
import RecordCore
import TestSupport
import Testing

@testable import RecordStore

/// The import path (a batch of items in one transaction, through statements prepared once per batch and
/// bound with SQLite's C API) must decide and write exactly what the same requests upserted one by one do
/// (issue 17): same decisions, same records, keys and revision history, on random request sequences.
@Suite struct BatchEquivalenceTests {
    static let count = Int(ProcessInfo.processInfo.environment["RECDECK_FUZZ_COUNT"] ?? "") ?? 150

    /// Requests on a handful of emails: creates, patches, replaces, clears, and now and then a bad one.
    static func requests(seed: UInt64) -> [JSONValue] {
        var rng = SeededRandom(seed: seed)
        let emails = ["a@x.io", "b@x.io", "c@x.io", "d@x.io"]
        return (0..<Int.random(in: 1...30, using: &rng)).map { _ in
            let email = emails.randomElement(using: &rng)!
            var data: JSONObject = ["email": .string(email)]
            if Bool.random(using: &rng) { data["n"] = .int(Int64.random(in: 0...5, using: &rng)) }
            if Int.random(in: 0..<4, using: &rng) == 0 { data["tag"] = .null }
            if Int.random(in: 0..<3, using: &rng) == 0 {
                data["tag"] = .array([.string("t\(Int.random(in: 0...2, using: &rng))")])
            }
            var body: JSONObject = ["lookup": ["identifier": "email"], "data": .object(data)]
            if Bool.random(using: &rng) { body["merge"] = "replace" }
            if Int.random(in: 0..<5, using: &rng) == 0 {
                body["name"] = .string("N\(Int.random(in: 0...3, using: &rng))")
            }
            // External ids move between records (a key removed from one is free for another, or refused).
            if Int.random(in: 0..<3, using: &rng) == 0 {
                body["external_id"] = .string("E\(Int.random(in: 0...2, using: &rng))")
            }
            if Int.random(in: 0..<12, using: &rng) == 0 { body["data"] = "not an object" }
            if Int.random(in: 0..<12, using: &rng) == 0 { data["n"] = "not a number"; body["data"] = .object(data) }
            return .object(body)
        }
    }

    /// `bodies` as import items, cut into batches of 1 to 7 at random.
    static func batches(of bodies: [JSONValue], seed: UInt64) -> [[ImportItem]] {
        var rng = SeededRandom(seed: seed)
        var batches: [[ImportItem]] = []
        var i = 0
        while i < bodies.count {
            let n = min(bodies.count - i, Int.random(in: 1...7, using: &rng))
            batches.append(
                bodies[i..<(i + n)].map {
                    ImportItem(request: NativeRequest.result(type: "contacts", body: $0), body: $0)
                })
            i += n
        }
        return batches
    }

    /// The store's content without random ids: records by email, their keys and revision history.
    static func state(_ store: RecordStore) throws -> [String] {
        try store.read { db in
            let email = "json_extract(r.data, '$.email')"
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(email), r.name, r.data, r.version, r.archived,
                      (SELECT group_concat(k.identifier || '=' || k.value) FROM record_keys k WHERE k.record_seq = r.seq),
                      (SELECT group_concat(v.version || ':' || v.op, ',') FROM revisions v WHERE v.record_id = r.id)
                    FROM records r ORDER BY \(email)
                    """
            ).map(\.description)
        }
    }

    @Test func batchesAndOneByOneUpsertsAgree() async {
        await propertyCheck(count: Self.count, input: Gen.uint64(in: 0...UInt64.max)) { seed throws in
            let bodies = Self.requests(seed: seed)
            let batched = try StoreFixtures.store(), single = try StoreFixtures.store()
            let batches = Self.batches(of: bodies, seed: seed ^ 0xABCD)
            // Each batch is given the next, as an import does: its probes are answered ahead (`CarriedPrefetch`).
            var batchDecisions: [String] = []
            for (b, items) in batches.enumerated() {
                let next = b + 1 < batches.count ? batches[b + 1] : []
                batchDecisions += try batched.importBatch(items, type: "contacts", source: WriteSource("t"), next: next)
                    .map(\.decision.rawValue)
            }
            var singleDecisions: [String] = []
            for body in bodies {
                switch NativeRequest.result(type: "contacts", body: body) {
                case .success(let request):
                    singleDecisions.append(try single.upsert(request, source: WriteSource("t")).decision.rawValue)
                case .failure: singleDecisions.append(Decision.invalid.rawValue)
                }
            }
            #expect(batchDecisions == singleDecisions, "seed \(seed)")
            #expect(try Self.state(batched) == Self.state(single), "seed \(seed)")
            #expect(try StoreCounts.agree(batched) && StoreCounts.agree(single), "seed \(seed)")
        }
    }
}

/// Batch planning (issue 17: the batch's keys fetched ahead in one query, the fetched answers forgotten as
/// each write lands) decides every conformance scenario's requests as upserting them one by one does: the
/// applied single-record steps of each scenario, run as batches (consecutive steps of one type) and one
/// by one on two stores seeded alike, give the same decisions and leave the same records, keys and
/// revisions.
@Suite struct ScenarioBatchEquivalenceTests {
    @Test("batch planning agrees with one-by-one planning", arguments: Conformance.cases(prefix: ""))
    func batchPlanningAgrees(_ c: ConformanceCase) throws {
        let scenario = try Conformance.load(Conformance.folder.appendingPathComponent(c.file))[c.index]
        let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_790_000_000) }
        let batched = try RecordStore.inMemory(clock: clock), single = try RecordStore.inMemory(clock: clock)
        for store in [batched, single] {
            for t in scenario.types { try store.applyType(t) }
            try store.seed(scenario.records)
        }
        let exchanges = scenario.steps.compactMap { step -> Exchange? in
            guard !step.previewOnly, let dialect = Dialects.named(step.dialect), !dialect.answersWithProcess else {
                return nil
            }
            return Exchange(dialect, DialectRequest(type: step.type, query: step.query, body: step.body))
        }
        let oneByOne = try exchanges.map {
            try single.perform($0, apply: true, source: WriteSource("t")).plans.first?.decision.rawValue
        }
        var inBatches: [String?] = []
        var i = 0
        while i < exchanges.count {
            // Consecutive steps of one type make one batch.
            let key = exchanges[i].typeKey
            var group: [Exchange] = []
            while i < exchanges.count, exchanges[i].typeKey == key { group.append(exchanges[i]); i += 1 }
            guard let key, let type = try batched.objectType(key) else {
                inBatches += try group.map {
                    try batched.perform($0, apply: true, source: WriteSource("t")).plans.first?.decision.rawValue
                }
                continue
            }
            let items = group.map { ImportItem(request: $0.singleRequest(type: type), body: nil) }
            inBatches += try batched.importBatch(items, type: key, source: WriteSource("t")).map {
                $0.decision.rawValue
            }
        }
        #expect(inBatches == oneByOne)
        #expect(try Self.state(batched) == Self.state(single))
        #expect(try StoreCounts.agree(batched) && StoreCounts.agree(single))
    }

    /// Records in insertion order without their random ids: content, keys, revisions.
    static func state(_ store: RecordStore) throws -> [String] {
        try store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.type, r.name, r.external_id, r.data, r.version, r.archived,
                      (SELECT group_concat(k.identifier || '=' || k.value) FROM record_keys k WHERE k.record_seq = r.seq),
                      (SELECT group_concat(v.version || ':' || v.op, ',') FROM revisions v WHERE v.record_id = r.id)
                    FROM records r ORDER BY r.seq
                    """
            ).map(\.description)
        }
    }
}

/// The per-type counts the writer keeps (`types.active`, `types.archived`) against the records themselves.
enum StoreCounts {
    static func agree(_ store: RecordStore) throws -> Bool {
        try store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.key FROM types t
                    WHERE t.active != (SELECT count(*) FROM records r WHERE r.type = t.key AND r.archived = 0)
                       OR t.archived != (SELECT count(*) FROM records r WHERE r.type = t.key AND r.archived = 1)
                    """
            ).isEmpty
        }
    }
}
