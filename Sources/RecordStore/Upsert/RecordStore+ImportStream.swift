import Foundation
import GRDB
import GRDBSQLite
import RecordCore

/// One batch of an import stream: its items and the source its revisions name.
public struct ImportBatch: Sendable {
    public var items: [ImportItem]
    public var source: WriteSource
    public init(items: [ImportItem], source: WriteSource) { self.items = items; self.source = source }
}

extension RecordStore {
    /// Imports batches one transaction each, in order, with the plans `importBatch` would make batch by
    /// batch, but without stopping between them: the writer thread writes batch N, commits it and opens
    /// N+1's transaction while this thread already plans N+1. Calling `importBatch` per batch, this thread
    /// waited for each batch's last writes and then for its commit (a third of an import's time).
    ///
    /// Planning N+1 before N is on disk is safe because it reads only (a) answers to N+1's key probes read
    /// ahead (by the writer thread before an earlier batch's writes, or on a read connection that saw the
    /// batches committed by then), less every key a batch they did not see touched, and (b) the database
    /// itself, after waiting for everything queued (N's commit included). If another connection commits
    /// between two batches (`PRAGMA data_version` moved), the batch after is planned again from the start.
    ///
    /// `next` gives the next batch (nil at the end); `following(n)`, the items of the n-th batch after the
    /// one `next` gave last (0: the next one), when already read (their key probes are answered ahead).
    /// `committed` gets each batch and its plans, in order, once its transaction has committed; it runs
    /// while the stream holds the connection, so it must not use this store. An error stops the stream:
    /// the batches committed before it stay, the open one is rolled back.
    public func importStream(
        type typeKey: String, next: () throws -> ImportBatch?, following: (Int) -> [ImportItem]?,
        committed: (ImportBatch, [Plan]) throws -> Void
    ) throws {
        try importStream(
            type: typeKey, next: next, following: following, committed: committed, betweenBatches: nil,
            readerProbesAbove: WriteStatements.behind)
    }

    /// `importStream`; `betweenBatches` runs on the writer thread after each commit that another batch
    /// follows, before that batch's transaction opens (tests commit from another connection there).
    /// Probes are read on the stream's read connection while more than `readerProbesAbove` writes wait
    /// for the writer thread (tests pass -1 to read them there always).
    func importStream(
        type typeKey: String, next: () throws -> ImportBatch?, following: (Int) -> [ImportItem]?,
        committed: (ImportBatch, [Plan]) throws -> Void, betweenBatches: (@Sendable () -> Void)?,
        readerProbesAbove: Int
    ) throws {
        guard !readOnly else { throw StoreError.readOnly("import") }
        // An in-memory store has one connection: batch by batch through it.
        guard path != ":memory:" else {
            while let batch = try next() {
                try committed(
                    batch, try importBatch(batch.items, type: typeKey, source: batch.source, next: following(0) ?? []))
            }
            return
        }
        let connection: DatabaseQueue
        do { connection = try streamConnection() } catch { throw StoreError.wrap(error, path: path) }
        defer { try? connection.close() }
        var redo: [ImportBatch] = []
        let turns = Turns()
        repeat {
            var pending = redo
            // Batches to plan again come first, then the stream's own; the batch after a redone one is the
            // next redone one, or the stream's next.
            func take() throws -> ImportBatch? { pending.isEmpty ? try next() : pending.removeFirst() }
            func after(_ n: Int) -> [ImportItem]? {
                n < pending.count ? pending[n].items : following(n - pending.count)
            }
            guard let first = try take() else { return }
            do {
                redo = try connection.writeWithoutTransaction { db in
                    var stream = StreamRun(
                        db: db, turns: turns, betweenBatches: betweenBatches, readerProbesAbove: readerProbesAbove)
                    defer { stream.pipeline.stop() }
                    return try stream.run(
                        first: first, store: self, type: typeKey, take: take, after: after, committed: committed
                    ) + pending
                }
            } catch {
                throw StoreError.wrap(error, path: path)
            }
        } while !redo.isEmpty
    }

    /// How many planned batches of an import stream may wait for the writer thread when it plans the next.
    static let streamQueuedAhead = 2

    /// A read-only connection for an import stream's probes, read beside its writes.
    fileprivate func probeConnection() throws -> DatabaseQueue {
        try DatabaseQueue(path: path, configuration: Self.configuration(readOnly: true))
    }

    /// A connection of the stream's own: its writer thread commits, which GRDB's commit hook may not see
    /// (the hook expects GRDB's own threads), so this connection runs without GRDB's commit and rollback
    /// hooks. recdeck observes no transactions; the store's own connections keep their hooks.
    private func streamConnection() throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path, configuration: Self.configuration(readOnly: false))
        queue.writeWithoutTransaction { db in
            // A write through another connection of this store clears the answers kept for a next
            // `importBatch` (`CarriedPrefetch`).
            carried.clear()
            sqlite3_commit_hook(db.sqliteConnection, nil, nil)
            sqlite3_rollback_hook(db.sqliteConnection, nil, nil)
        }
        return queue
    }
}

/// The writer thread found that another connection committed between two batches of a stream.
private struct StreamStale: Error {}

/// One stretch of an import stream on one connection: the pipeline, the batches planned but not yet known
/// to be committed, and the transaction statements the writer thread runs.
private struct StreamRun {
    let db: Database
    let pipeline = WritePipeline()
    let betweenBatches: (@Sendable () -> Void)?
    /// Commits the writer thread has run (published through the pipeline).
    let commits = CommitCount()
    /// Batches planned (their writes queued), oldest first, not yet reported as committed.
    var unreported: [(batch: ImportBatch, plans: [Plan])] = []
    var reported = 0

    let turns: Turns
    let readerProbesAbove: Int

    init(db: Database, turns: Turns, betweenBatches: (@Sendable () -> Void)?, readerProbesAbove: Int) {
        self.db = db; self.turns = turns; self.betweenBatches = betweenBatches
        self.readerProbesAbove = readerProbesAbove
    }

    /// Runs batches from `first` until `take` gives none (returns no batch) or another connection's commit
    /// makes the stream start again (returns the batches to plan again, in order).
    mutating func run(
        first: ImportBatch, store: RecordStore, type typeKey: String, take: () throws -> ImportBatch?,
        after: (Int) -> [ImportItem]?, committed: (ImportBatch, [Plan]) throws -> Void
    ) throws -> [ImportBatch] {
        try db.execute(sql: "BEGIN IMMEDIATE")
        var planning: ImportBatch? = first
        do {
            let version = try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0
            let type = try store.objectType(typeKey, db)
            let commit = try RawStatement(db, sql: "COMMIT")
            let begin = try RawStatement(db, sql: "BEGIN IMMEDIATE")
            let dataVersion = try RawStatement(db, sql: "PRAGMA data_version")
            let (pipeline, commits, between, turns) = (pipeline, commits, betweenBatches, turns)
            /// Opens the next batch's transaction on the writer thread, refusing to go on if another
            /// connection committed since the stream began.
            let open: () throws -> Void = {
                between?()
                turns.giveWhenDue()
                try begin.execute("BEGIN IMMEDIATE")
                let now = try dataVersion.rows("PRAGMA data_version") { $0.int(0) }.first ?? 0
                if now != version {
                    turns.sawAnotherWriter()
                    throw StreamStale()
                }
            }
            let probe = store.planner(db)
            // Probe answers asked for ahead, by the number (in this run) of the batch they answer for, with the
            // keys asked for and how many of this run's batches the answers surely saw.
            var ahead: [Int: (answers: AnswersBox, keys: [IdentifierKey], seen: Int)] = [:]
            // A read connection of the stream's own, opened the first time the writer thread is behind.
            var reader: DatabaseQueue?
            // The hashes of the keys each recent batch's writes touched, by batch number.
            var touched: [(batch: Int, hashes: Set<Int>)] = []
            var number = 0
            while let batch = planning {
                number += 1
                // This batch's answers, less every key a batch they did not see touched: the state now.
                var carried: [IdentifierKey: [Record]]?
                let asked = ahead.removeValue(forKey: number)
                if let asked {
                    try pipeline.wait { asked.answers.found != nil }
                    // Checked against the unseen batches' sets of key hashes, not their union: integers, not
                    // strings (creates' answers are a thousand "not found"s).
                    carried = StoreLookup.answers(
                        asked.answers.found ?? [:], lessTouched: touched.filter { $0.batch > asked.seen }.map(\.hashes))
                }
                // The next two batches' probes, when read, are asked for now. When the writer thread is behind
                // (an import's creates), this thread reads them on a connection of its own: it sees what was
                // committed, so at least the batches counted before the read. Otherwise they go first in the
                // writer's queue, and see every batch before this one.
                if let type {
                    for distance in 1...2 where ahead[number + distance] == nil {
                        guard let items = after(distance - 1) else { break }
                        let keys = store.probeKeys(items.lazy.map(\.request), type: type, probe)
                        if pipeline.backlog > readerProbesAbove {
                            let connection = try reader ?? store.probeConnection()
                            reader = connection
                            let seen = pipeline.read { commits.value }
                            let answers = AnswersBox()
                            answers.found = try connection.read { db in
                                try StoreLookup.prefetchQuery(type: type.key, keys: keys, held: [:], db).run()
                            }
                            ahead[number + distance] = (answers, keys, seen)
                        } else {
                            let answers = try StoreLookup.prefetchQuery(type: type.key, keys: keys, held: [:], db)
                                .queue(on: pipeline)
                            ahead[number + distance] = (answers, keys, number - 1)
                        }
                    }
                }
                // Kept while an answer asked for, or still to ask for, may not have seen it: a later read sees at
                // least the batches committed now.
                let oldest = min(ahead.values.map(\.seen).min() ?? number, pipeline.read { commits.value })
                // At most `streamQueuedAhead` batches wait for the writer thread: their writes hold every record
                // planned, so a planner faster than the writer grew the queue (and memory: 390 MB for
                // 1,000,000 creates) without making the import any faster.
                try pipeline.wait { commits.value >= number - 1 - RecordStore.streamQueuedAhead }
                touched.removeAll { $0.batch <= oldest }
                let queued = try store.queueBatch(
                    batch.items, type: type,
                    source: batch.source, parkConflicts: "native", carried: carried, ahead: [], pipeline: pipeline,
                    keys: asked?.keys, db)
                unreported.append((batch, queued.plans))
                touched.append((number, queued.forgotten))
                planning = nil
                // Commit behind the batch's writes; open the next batch's transaction at once when it is
                // known to come.
                let opensNext = !(after(0) ?? []).isEmpty
                try pipeline.submit {
                    try commit.execute("COMMIT")
                    pipeline.publish { commits.value += 1 }
                    if opensNext { try open() }
                }
                let upcoming: ImportBatch?
                do { upcoming = try take() } catch {
                    // The input failed, not the database: what is queued (this batch's commit) still goes in.
                    try pipeline.drain()
                    try report(committed)
                    throw error
                }
                guard let upcoming else { break }
                planning = upcoming
                if !opensNext { try pipeline.submit(open) }
                try report(committed)
            }
            try pipeline.drain()
            try report(committed)
            return []
        } catch is StreamStale {
            pipeline.stop()
            if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            try report(committed)
            return unreported.map(\.batch) + (planning.map { [$0] } ?? [])
        } catch {
            pipeline.stop()
            if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
            throw error
        }
    }

    /// Hands every batch the writer thread has committed to `committed`, in order.
    private mutating func report(_ committed: (ImportBatch, [Plan]) throws -> Void) throws {
        let done = pipeline.read { commits.value }
        while reported < done {
            let (batch, plans) = unreported.removeFirst()
            reported += 1
            try committed(batch, plans)
        }
    }
}

/// The stream's turns for other writers. A stream holds the write lock from one batch to the next, so
/// every `every` seconds the writer thread waits `gap` between a commit and the next transaction; a
/// waiting writer tries every millisecond (`RecordStore.configuration`), so it gets in then. Once another
/// writer did get in (the stream saw its commit), there are others: for `politeFor` seconds a turn comes
/// every `politeEvery` seconds. Without turns, a second importer or a TUI's save waited for the whole
/// import and was refused after 5 s.
private final class Turns: @unchecked Sendable {
    static let every = 0.1
    static let politeEvery = 0.01
    static let politeFor = 1.0
    static let gap: useconds_t = 2000
    private let lock = NSLock()
    private var last = Date()
    private var politeUntil = Date.distantPast

    /// Waits the gap when a turn is due (on the writer thread).
    func giveWhenDue() {
        let now = Date()
        let due = lock.withLock {
            now.timeIntervalSince(last) >= (now < politeUntil ? Self.politeEvery : Self.every)
        }
        guard due else { return }
        usleep(Self.gap)
        lock.withLock { last = Date() }
    }

    /// Another writer committed between two of the stream's batches.
    func sawAnotherWriter() { lock.withLock { politeUntil = Date().addingTimeInterval(Self.politeFor) } }
}

/// A count the writer thread raises through `WritePipeline.publish`.
private final class CommitCount: @unchecked Sendable {
    var value = 0
}
