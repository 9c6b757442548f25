import Foundation
import RecordCore
import RecordStore

/// What an import did: decisions by kind, parked conflicts and the first errors.
public struct ImportSummary: Sendable {
    public var items = 0
    public var batches = 0
    public var seconds = 0.0
    public var decisions: [String: Int] = [:]
    public var errors: [String] = []
    /// Bulk imports: the process id of each batch.
    public var processes: [String] = []
    public var parkedConflicts: Int { decisions["conflict"] ?? 0 }
    /// Items that were refused (not parked): invalid, not found, stale, ambiguous.
    public var failed: Int {
        decisions.filter { ["invalid", "not_found", "stale", "ambiguous", "rolled_back"].contains($0.key) }.values
            .reduce(0, +)
    }
}

/// Streams an import file into the store, one transaction per batch. Used by `recdeck import` and the benchmark.
public struct Importer {
    public var type: String
    public var keyPath: JSONPath?
    public var onArchivedMatch: ArchivedMatchMode?
    public var batchSize = Limits.maxBatch
    /// Every JSON element is a plain data object (not a native request): created, or with `keyPath`
    /// upserted by that path. Opening a file directly reads exports this way.
    public var plainData = false

    public init(
        type: String, keyPath: JSONPath? = nil, onArchivedMatch: ArchivedMatchMode? = nil,
        batchSize: Int = Limits.maxBatch, plainData: Bool = false
    ) {
        self.type = type; self.keyPath = keyPath; self.onArchivedMatch = onArchivedMatch; self.batchSize = batchSize
        self.plainData = plainData
    }

    /// Imports `path`; `afterBatch` gets (batch number, first item, last item, bytes read, file size) after each commit.
    public func run(
        _ path: String, into store: any RecordStoring, source: String = "import",
        afterBatch: (Int, Int, Int, Int, Int) -> Void = { _, _, _, _, _ in }
    ) throws -> ImportSummary {
        var session = try Session(self, path: path, store: store, source: source)
        try session.runToEnd(afterBatch: afterBatch)
        return session.finish()
    }

    /// An import one batch at a time (the TUI's file import grows the grid between batches).
    public struct Session {
        let importer: Importer
        let store: any RecordStoring
        let source: String
        let runID: String
        let started = Date()
        /// The file's next batches, read and parsed on a thread of their own.
        private let reader: ReadAhead
        public private(set) var summary = ImportSummary()
        /// File bytes handled so far, and the file's size.
        public private(set) var bytesConsumed = 0
        public var fileSize: Int { reader.fileSize }
        /// The file is read line by line (JSONL), as the reader found when it opened it.
        public var readsLines: Bool { reader.readsLines }

        public init(_ importer: Importer, path: String, store: any RecordStoring, source: String = "import") throws {
            self.importer = importer; self.store = store; self.source = source
            reader = ReadAhead(
                try ImportReader(
                    path: path, type: importer.type, keyPath: importer.keyPath,
                    onArchivedMatch: importer.onArchivedMatch, schema: try store.objectType(importer.type),
                    plainData: importer.plainData),
                batchSize: importer.batchSize)
            runID = "\(source)-\(Int(started.timeIntervalSince1970))"
        }

        /// Reads and commits the next batch (one transaction); the first and last item numbers, or nil at
        /// the end of the file.
        public mutating func nextBatch() throws -> (Int, Int)? {
            guard let batch = try reader.next() else { return nil }
            let items = batch.items
            bytesConsumed = batch.bytesConsumed
            summary.batches += 1
            // The next batch, when already read: its key probes are answered during this one.
            let plans = try store.importBatch(
                items, type: importer.type, source: WriteSource(source, batch: "\(runID)#\(summary.batches)"),
                next: reader.peek()?.items ?? [])
            return tally(plans, of: items)
        }

        /// Reads and commits every remaining batch, one transaction each, as one stream
        /// (`RecordStore.importStream`: a batch is planned while the one before commits). `afterBatch` gets
        /// (batch number, first item, last item, bytes read, file size) after each commit; `summarised`, the
        /// summary so far and the bytes read (it must not touch this session, which is busy).
        public mutating func runToEnd(
            afterBatch: (Int, Int, Int, Int, Int) -> Void = { _, _, _, _, _ in },
            summarised: (ImportSummary, Int) -> Void = { _, _ in }
        ) throws {
            let reader = reader
            let (source, runID, batchesBefore) = (source, runID, summary.batches)
            // Bytes read up to the end of each batch taken and not yet committed, oldest first.
            var bytesRead: [Int] = []
            var taken = 0
            try store.importStream(
                type: importer.type,
                next: {
                    guard let batch = try reader.next() else { return nil }
                    taken += 1
                    bytesRead.append(batch.bytesConsumed)
                    return ImportBatch(
                        items: batch.items, source: WriteSource(source, batch: "\(runID)#\(batchesBefore + taken)"))
                },
                following: { reader.peek(after: $0)?.items },
                committed: { batch, plans in
                    summary.batches += 1
                    bytesConsumed = bytesRead.removeFirst()
                    let (first, last) = tally(plans, of: batch.items)
                    afterBatch(summary.batches, first, last, bytesConsumed, fileSize)
                    summarised(finish(), bytesConsumed)
                })
        }

        /// Counts a committed batch's decisions and keeps its first errors; its first and last item numbers.
        private mutating func tally(_ plans: [Plan], of items: [ImportItem]) -> (Int, Int) {
            // By index: reading a field of each plan in place, not copying every plan out of the array.
            for i in plans.indices {
                let decision = plans[i].decision
                summary.decisions[decision.rawValue, default: 0] += 1
                if decision.isError && decision != .conflict, summary.errors.count < 20 {
                    summary.errors.append("\(items[i].label): \(decision.rawValue): \(plans[i].errorSummary)")
                }
            }
            let first = summary.items + 1
            summary.items += plans.count
            return (first, summary.items)
        }

        public func finish() -> ImportSummary {
            var s = summary
            s.seconds = Date().timeIntervalSince(started)
            return s
        }
    }

    /// Imports a file whose items are bulk request bodies (`{records: [...]}`): each is one batch,
    /// applied in one transaction and kept under its own process id.
    public func runBulk(
        _ path: String, into store: any RecordStoring, source: String = "import",
        afterBatch: (_ label: String, _ exchange: ExchangeOutcome) -> Void = { _, _ in }
    ) throws -> ImportSummary {
        guard !ImportReader.isCSV(path) else {
            throw CLIError("\(path): a bulk import reads JSON request bodies, not CSV rows")
        }
        var reader = try ImportReader(path: path, type: type, keyPath: nil, onArchivedMatch: nil)
        let started = Date()
        var summary = ImportSummary()
        while let (label, value) = try reader.nextValues(1).first {
            summary.batches += 1
            let exchange: ExchangeOutcome
            switch value {
            case .success(let body):
                exchange = try store.perform(
                    Exchange(BulkDialect(), DialectRequest(type: type, body: body)), apply: true,
                    source: WriteSource(source))
            case .failure(let e):
                summary.decisions["invalid", default: 0] += 1
                summary.errors.append("\(label): \(e)")
                continue
            }
            if exchange.refused {
                summary.decisions["invalid", default: 0] += 1
                summary.errors.append(
                    "\(label): request refused: " + exchange.plans.map(\.errorSummary).joined(separator: "; "))
            } else {
                for (i, p) in exchange.plans.enumerated() {
                    summary.items += 1
                    summary.decisions[
                        exchange.committed || !p.decision.writes ? p.decision.rawValue : "rolled_back", default: 0] += 1
                    if p.decision.isError && p.decision != .conflict, summary.errors.count < 20 {
                        summary.errors.append("\(label) records[\(i)]: \(p.decision.rawValue): \(p.errorSummary)")
                    }
                }
                if let id = exchange.processID { summary.processes.append(id) }
            }
            afterBatch(label, exchange)
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}
