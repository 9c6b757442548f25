import Foundation
import PropertyBased
import RecordCore
import TestSupport
import Testing

@testable import RecordStore

/// An import stream (`RecordStore.importStream`: the writer thread commits a batch and opens the next one's
/// transaction while the next is planned) decides and writes what `importBatch` does batch by batch, and
/// what it commits stays when a later batch fails.
@Suite struct ImportStreamTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder("stream") }

    func store(_ name: String = "db.sqlite") throws -> RecordStore {
        let s = try RecordStore.open(path: folder.path(name))
        try s.applyType(StoreFixtures.contacts)
        return s
    }

    func items(_ emails: [String], n: Int) -> [ImportItem] { StoreFixtures.importItems(emails, n: n) }

    /// Streams `batches` into `store`; the decisions of each batch as it was reported committed.
    @discardableResult
    func stream(
        _ batches: [[ImportItem]], into store: RecordStore, betweenBatches: (@Sendable () -> Void)? = nil,
        failAfter: Int? = nil, readerProbes: Bool = false
    ) throws -> [[String]] {
        var next = 0
        var reported: [[String]] = []
        try store.importStream(
            type: "contacts",
            next: {
                if next == failAfter { throw StoreError.invalid("the file went away") }
                guard next < batches.count else { return nil }
                next += 1
                return ImportBatch(items: batches[next - 1], source: WriteSource("t", batch: "b\(next)"))
            },
            following: { n in next + n < batches.count && next != failAfter ? batches[next + n] : nil },
            committed: { _, plans in reported.append(plans.map(\.decision.rawValue)) },
            betweenBatches: betweenBatches, readerProbesAbove: readerProbes ? -1 : WriteStatements.behind)
        return reported
    }

    /// Random request sequences in random batches: the stream and `importBatch` per batch agree on every
    /// decision, and leave the same records, keys and revisions — with the probes read ahead by the writer
    /// thread, and on the stream's read connection.
    @Test(arguments: [false, true]) func theStreamAgreesWithBatchByBatchImports(readerProbes: Bool) async {
        await propertyCheck(count: max(20, BatchEquivalenceTests.count / 3), input: Gen.uint64(in: 0...UInt64.max)) {
            seed throws in
            let bodies = BatchEquivalenceTests.requests(seed: seed)
            let batches = BatchEquivalenceTests.batches(of: bodies, seed: seed ^ 0x5EED)
            let streamed = try store("s\(seed)-\(readerProbes).sqlite"), batched = try StoreFixtures.store()
            let streamDecisions = try stream(batches, into: streamed, readerProbes: readerProbes)
            var batchDecisions: [[String]] = []
            for (b, items) in batches.enumerated() {
                let next = b + 1 < batches.count ? batches[b + 1] : []
                batchDecisions.append(
                    try batched.importBatch(items, type: "contacts", source: WriteSource("t"), next: next)
                        .map(\.decision.rawValue))
            }
            #expect(streamDecisions == batchDecisions, "seed \(seed)")
            #expect(
                try BatchEquivalenceTests.state(streamed) == BatchEquivalenceTests.state(batched), "seed \(seed)")
            #expect(try StoreCounts.agree(streamed), "seed \(seed)")
        }
    }

    /// Every batch is its own transaction under its own label, and counts and revision ranges are kept.
    @Test func eachBatchCommitsUnderItsLabel() throws {
        let s = try store()
        let reported = try stream(
            [items(["a@x.io", "b@x.io"], n: 1), items(["b@x.io", "c@x.io"], n: 2), items(["a@x.io"], n: 3)],
            into: s)
        #expect(reported == [["create", "create"], ["update", "create"], ["update"]])
        #expect(try s.counts(type: "contacts")?.active == 3)
        #expect(try s.read { db in try RecordStore.revisionIDs(inBatch: "b2", db) }.count == 2)
        #expect(try StoreCounts.agree(s))
    }

    /// Another connection commits between two batches (after one commit, before the next transaction
    /// opens): the stream sees it and plans the next batch again, so it updates the record the other
    /// connection made instead of creating a second holder of its key.
    @Test(arguments: [false, true]) func anotherConnectionsCommitBetweenBatchesIsSeen(readerProbes: Bool) throws {
        let s = try store()
        let path = folder.path("db.sqlite")
        let wrote = WroteOnce()
        let reported = try stream(
            [items(["a@x.io"], n: 1), items(["z@x.io"], n: 2), items(["z@x.io", "b@x.io"], n: 3)], into: s,
            betweenBatches: {
                guard wrote.first() else { return }
                let other = try! RecordStore.open(path: path)
                _ = try! other.upsert(StoreFixtures.request("z@x.io", ["n": 9]), source: WriteSource("other"))
            }, readerProbes: readerProbes)
        #expect(reported == [["create"], ["update"], ["update", "create"]])
        let z = try #require(try s.findRecord(type: "contacts", key: "z@x.io"))
        #expect(z.version == 3 && z.data["n"] == 3)
        #expect(try s.counts(type: "contacts")?.active == 3)
        #expect(try StoreCounts.agree(s))
    }

    /// The input fails after two batches: both are committed (the second's commit was still queued), and
    /// the stream throws the input's error.
    @Test func anInputFailureKeepsWhatWasCommitted() throws {
        let s = try store()
        #expect(throws: StoreError.self) {
            try stream(
                [items(["a@x.io"], n: 1), items(["b@x.io"], n: 2), items(["c@x.io"], n: 3)], into: s, failAfter: 2)
        }
        #expect(try s.counts(type: "contacts")?.active == 2)
        #expect(try s.findRecord(type: "contacts", key: "b@x.io") != nil)
        #expect(try s.findRecord(type: "contacts", key: "c@x.io") == nil)
    }

    /// A stream holds the write lock from batch to batch, but a write through another connection, started
    /// while the stream runs, gets in well within the busy timeout (the stream goes on until it has), and
    /// the stream then plans on top of it. (In one process the other connection also gets in without the
    /// stream's turns; `GuaranteesTests`' eight processes are what needed them.)
    @Test func anotherWriterGetsATurnDuringAStream() throws {
        let s = try store()
        let other = try RecordStore.open(path: folder.path("db.sqlite"))
        let outcome = Outcome()
        var batches = 0
        try s.importStream(
            type: "contacts",
            next: {
                if outcome.finished || batches == 20_000 { return nil }
                batches += 1
                if batches == 5 {
                    Thread.detachNewThread {
                        let started = Date()
                        outcome.finish(
                            Result { try other.upsert(StoreFixtures.request("w@x.io"), source: WriteSource("other")) },
                            after: Date().timeIntervalSince(started))
                    }
                }
                return ImportBatch(items: items(["s\(batches)@x.io"], n: batches), source: WriteSource("t"))
            },
            // The next batch is known, as when the read-ahead has it: the writer thread opens its transaction
            // right after the commit.
            following: { n in outcome.finished ? nil : items(["s\(batches + 1 + n)@x.io"], n: batches + 1 + n) },
            committed: { _, _ in })
        let (result, seconds) = try #require(outcome.value)
        #expect(throws: Never.self) { try result.get() }
        #expect(seconds < 2, "waited \(seconds) s")
        #expect(try s.findRecord(type: "contacts", key: "w@x.io") != nil)
        #expect(try s.counts(type: "contacts")?.active == batches + 1)
        #expect(try StoreCounts.agree(s))
    }

    /// A writer thread slower than the planner holds it back: when the stream asks for a batch, at most
    /// `streamQueuedAhead` + 1 planned batches wait to be committed (+ 2 here: the last commit may not be
    /// counted yet). Unbounded, the planner ran through the whole file ahead of the writer, whose queue held
    /// every record planned (390 MB for 1,000,000 creates).
    @Test(arguments: [false, true]) func aSlowWriterHoldsThePlannerBack(readerProbes: Bool) throws {
        let s = try store()
        let commits = Tally()
        var given = 0, mostAhead = 0
        try s.importStream(
            type: "contacts",
            next: {
                mostAhead = max(mostAhead, given - commits.value)
                guard given < 30 else { return nil }
                given += 1
                return ImportBatch(items: items(["s\(given)@x.io"], n: given), source: WriteSource("t"))
            },
            following: { n in given + n < 30 ? items(["s\(given + 1 + n)@x.io"], n: given + 1 + n) : nil },
            committed: { _, _ in },
            // Runs on the writer thread after every commit another batch follows: a slow disk.
            betweenBatches: {
                commits.add()
                usleep(5_000)
            }, readerProbesAbove: readerProbes ? -1 : WriteStatements.behind)
        #expect(mostAhead <= RecordStore.streamQueuedAhead + 2, "the planner ran \(mostAhead) batches ahead")
        #expect(try s.counts(type: "contacts")?.active == 30)
    }

    /// An in-memory store (one connection) imports batch by batch.
    @Test func anInMemoryStoreImportsBatchByBatch() throws {
        let s = try StoreFixtures.store()
        #expect(try stream([items(["a@x.io"], n: 1), items(["a@x.io"], n: 2)], into: s) == [["create"], ["update"]])
    }
}

/// What another thread's write came to, and how long it took.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (Result<Plan, Error>, Double)?
    var finished: Bool { lock.withLock { stored != nil } }
    var value: (Result<Plan, Error>, Double)? { lock.withLock { stored } }
    func finish(_ result: Result<Plan, Error>, after seconds: Double) { lock.withLock { stored = (result, seconds) } }
}

/// A count raised from any thread.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

/// True the first time it is asked, from any thread.
private final class WroteOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func first() -> Bool {
        lock.withLock {
            let first = !done
            done = true
            return first
        }
    }
}
