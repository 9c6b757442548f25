import Foundation
import RecordCore
import RecordStore
import RecordTUI

/// The TUI's backend: the record store, with every write tagged `tui` in its revisions.
public final class StoreBackend: RecordBackend {
    let store: RecordStore
    let source = WriteSource("tui")

    /// Runs background work: a new thread by default; tests pass one they step by hand.
    let runInBackground: (@escaping @Sendable () -> Void) -> Void

    public let mergeRuleSets: (sets: [MergeRuleSet], problems: [String])
    /// The file import running into this store, when the TUI opened a file directly.
    public var fileImport: ImportProgress?
    public let nicknames: NicknameTable?

    public init(
        store: RecordStore,
        runInBackground: @escaping (@escaping @Sendable () -> Void) -> Void = { Thread.detachNewThread($0) },
        mergeRuleSets: (sets: [MergeRuleSet], problems: [String])? = nil, nicknames: NicknameTable? = nil
    ) {
        self.store = store; self.runInBackground = runInBackground
        // The user's rule files and nickname list, unless given.
        self.mergeRuleSets = mergeRuleSets ?? MergeRulesFile.all()
        self.nicknames = nicknames ?? (try? NicknameFile.table())
    }

    public var readOnly: Bool { store.readOnly }
    /// What the title bar names: the opened file, else the database file.
    public var location: String {
        displayName.isEmpty ? URL(fileURLWithPath: store.path).lastPathComponent : displayName
    }
    /// The name shown for an opened file (its cache is an implementation detail).
    public var displayName = ""

    public func types() throws -> [TypeSummary] { try store.types() }
    public func objectType(_ key: String) throws -> ObjectType? { try store.objectType(key) }
    public func page(_ query: RecordQuery, from key: PageKey?, direction: PageDirection, limit: Int) throws
        -> [ListedRecord]
    {
        if let lines = linesListing(query) {
            return try lines.page(type: query.type, from: key, direction: direction, limit: limit)
        }
        return try store.page(query, from: key, direction: direction, limit: limit)
    }
    public func count(_ query: RecordQuery) throws -> RowCount? {
        if let lines = linesListing(query) { return RowCount(lines.count) }
        return try store.count(query)
    }

    /// The lines of the JSONL file being opened: while its import runs, the file's plain listing (its type
    /// in insertion order, no filter) pages through them, so every line can be browsed long before the
    /// import reaches it. A filter, a sort or the archive list reads the store (what is imported so far).
    public var fileLines: FileLines?

    private func linesListing(_ query: RecordQuery) -> FileLines? {
        guard let lines = fileLines, !lines.failed, let progress = fileImport, query.type == progress.typeKey,
            query.filter == nil, query.sort == .inserted, query.archived != .archived
        else { return nil }
        let s = progress.snapshot
        return s.finished || s.failure != nil ? nil : lines
    }
    public func hasSortIndex(_ column: SortColumn) throws -> Bool { try store.hasSortIndex(column) }
    /// Runs `work` off the main actor as a job: nil from `work` (it saw the cancel) is `cancelled`, a
    /// thrown error `failed` — or `cancelled` when the job was cancelled (an interrupted statement throws).
    private func background<Value: Sendable>(
        onCancel: (@Sendable () -> Void)? = nil, _ work: @escaping @Sendable (BackgroundJob<Value>) throws -> Value?
    ) -> BackgroundJob<Value> {
        let job = BackgroundJob<Value>()
        job.onCancel = onCancel
        runInBackground {
            guard !job.isCancelled else { job.finish(.cancelled); return }
            do { job.finish(try work(job).map { .done($0) } ?? .cancelled) } catch {
                job.finish(job.isCancelled ? .cancelled : .failed("\(error)"))
            }
        }
        return job
    }

    public func countInBackground(_ query: RecordQuery) -> BackgroundJob<RowCount> {
        let store = self.store
        return background { _ in
            guard let n = try store.count(query) else { throw StoreError.notFound("unknown type \(query.type)") }
            return n
        }
    }
    public func buildSortIndex(_ column: SortColumn) -> BackgroundJob<Double> {
        let store = self.store
        // Cancelling interrupts the CREATE INDEX statement: SQLite rolls it back, nothing is left.
        return background(onCancel: { store.interrupt() }) { job in
            let start = Date()
            _ = job.report(0, "building an index on \(column)")
            try store.buildSortIndex(column)
            return Date().timeIntervalSince(start)
        }
    }
    public func frequencies(of column: GridColumn, in query: RecordQuery) -> BackgroundJob<FrequencyTable> {
        let store = self.store
        return background { job in
            try store.frequencies(of: column, in: query) { job.report($0, "counting values of \(column)") }
        }
    }
    public func children(of id: String) throws -> [Record] { try store.children(of: id) }
    public func associated(to id: String) throws -> [Record] { try store.associated(to: id) }
    public func export(_ query: RecordQuery, ids: [String]?, columns: [GridColumn], to path: String)
        -> BackgroundJob<ExportSummary>
    {
        let store = self.store
        return background { job in
            let format = try ExportFormat(path: path)
            // CSV takes the grid's columns; JSONL writes whole records (what `import` reads back).
            let total = ids?.count ?? (try? store.count(query))??.value
            let written = try RecordExporter.export(
                store: store, query: query, ids: ids, columns: format == .csv ? columns : nil, format: format, to: path
            ) { n in job.report(total.map { Double(n) / Double(max(1, $0)) } ?? 0, "exported \(n) rows") }
            return written.map { ExportSummary(path: path, rows: $0, format: format.rawValue) }
        }
    }
    public func record(id: String) throws -> Record? { try store.record(id: id) }
    public func history(recordID: String) throws -> [Revision] { try store.history(recordID: recordID) }
    public func plan(_ request: UpsertRequest) throws -> Plan { try store.plan(request) }
    public func upsert(_ request: UpsertRequest) throws -> Plan { try store.upsert(request, source: source) }
    public func perform(_ exchange: Exchange, apply: Bool) throws -> ExchangeOutcome {
        try store.perform(exchange, apply: apply, source: source)
    }
    public func archive(type: String, ids: [String]) throws -> String {
        let batch = Self.batchID("archive")
        try store.archive(type: type, ids: ids, source: WriteSource(source.name, batch: batch))
        return batch
    }
    public func restore(type: String, ids: [String]) throws -> String {
        let batch = Self.batchID("restore")
        try store.restore(type: type, ids: ids, source: WriteSource(source.name, batch: batch))
        return batch
    }
    public func undoBatch(_ batch: String) throws -> [Record] { try store.undoBatch(batch, source: source) }

    /// A batch id for one TUI bulk action: `tui-archive-<time>-<random>`.
    static func batchID(_ action: String) -> String {
        "tui-\(action)-\(Int(Date().timeIntervalSince1970))-\(UInt32.random(in: 0...UInt32.max))"
    }
    public func undo(revision: Int64) throws -> Record { try store.undo(revision: revision, source: source) }
    public func conflicts() throws -> [ConflictEntry] { try store.conflicts() }
    public func resolveConflict(id: Int64, request: UpsertRequest?, resolution: String) throws -> Plan? {
        try store.resolveConflict(id: id, request: request, resolution: resolution, source: source)
    }
    public func requests(after: Int64?, limit: Int) throws -> [JournalEntry] {
        try store.requests(after: after, limit: limit)
    }
    public func request(id: Int64) throws -> JournalEntry? { try store.request(id: id) }
    public func scanDuplicates(type: String, rules: [DuplicateRule]) -> BackgroundJob<DuplicateReport> {
        let store = self.store
        return background { job in
            try store.scanDuplicates(type: type, rules: rules) { job.report($0.fraction, $0.phase) }
        }
    }
    public func planMerge(
        type: String, recordIDs: [String], survivor: String?, take: [String: String], rules: MergeRuleSet
    ) throws -> MergePlan {
        if let survivor {
            return try store.planMerge(
                type: type, survivor: survivor, losers: recordIDs.filter { $0 != survivor }, take: take, rules: rules)
        }
        return try store.planGroupMerge(type: type, recordIDs: recordIDs, take: take, rules: rules)
    }
    public func merge(type: String, survivor: String, losers: [String], take: [String: String], rules: MergeRuleSet)
        throws -> Int64
    {
        try store.merge(type: type, survivor: survivor, losers: losers, take: take, rules: rules, source: source).id
    }
    public func undoMerge(id: Int64) throws -> [Record] { try store.undoMerge(id: id, source: source) }
    public func autoMerge(
        type: String, groups: [DuplicateGroup], match: String, rules: MergeRuleSet, minScore: Double, dryRun: Bool
    ) -> BackgroundJob<MergeRun> {
        let store = self.store, source = self.source
        return background { job in
            try store.autoMerge(
                type: type, groups: groups, match: match, rules: rules, minScore: minScore, dryRun: dryRun,
                source: source, progress: { job.report($0, dryRun ? "planning" : "merging") })
        }
    }
    public func mergeRun(_ id: String, status: MergeGroupStatus?) throws -> MergeRun {
        try store.mergeRun(id, status: status)
    }
    public func runAwaitingReview(type: String?) throws -> String? { try store.runAwaitingReview(type: type) }
    public func planReview(run: String, position: Int, survivor: String?, take: [String: String]) throws -> MergePlan {
        try store.planReview(run: run, position: position, survivor: survivor, take: take)
    }
    public func acceptReview(run: String, position: Int, survivor: String?, take: [String: String]) throws -> Int64 {
        try store.acceptReview(run: run, position: position, survivor: survivor, take: take, source: source).id
    }
    public func dismissReview(run: String, position: Int) throws {
        try store.dismissReview(run: run, position: position)
    }
    public func undoRun(_ id: String) -> BackgroundJob<MergeRunUndo> {
        let store = self.store, source = self.source
        return background { job in try store.undoRun(id, source: source, progress: { job.report($0, "undoing") }) }
    }
}
