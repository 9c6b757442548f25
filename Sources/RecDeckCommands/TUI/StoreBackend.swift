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

    public init(store: RecordStore, runInBackground: @escaping (@escaping @Sendable () -> Void) -> Void = { Thread.detachNewThread($0) }) {
        self.store = store; self.runInBackground = runInBackground
    }

    public var readOnly: Bool { store.readOnly }
    public var location: String { URL(fileURLWithPath: store.path).lastPathComponent }

    public func types() throws -> [TypeSummary] { try store.types() }
    public func objectType(_ key: String) throws -> ObjectType? { try store.objectType(key) }
    public func page(_ query: RecordQuery, from key: PageKey?, direction: PageDirection, limit: Int) throws -> [ListedRecord] {
        try store.page(query, from: key, direction: direction, limit: limit)
    }
    public func count(_ query: RecordQuery) throws -> Int? { try store.count(query) }
    public func record(id: String) throws -> Record? { try store.record(id: id) }
    public func history(recordID: String) throws -> [Revision] { try store.history(recordID: recordID) }
    public func plan(_ request: UpsertRequest) throws -> Plan { try store.plan(request) }
    public func upsert(_ request: UpsertRequest) throws -> Plan { try store.upsert(request, source: source) }
    public func exchange(_ dialect: any Dialect, type: String?, query: [(String, String)], bytes: [UInt8], apply: Bool) throws -> DialectExchange {
        try store.exchange(dialect, type: type, query: query, bytes: bytes, apply: apply, source: source)
    }
    public func archive(type: String, ids: [String]) throws -> [Record] { try store.archive(type: type, ids: ids, source: source) }
    public func restore(type: String, ids: [String]) throws -> [Record] { try store.restore(type: type, ids: ids, source: source) }
    public func undo(revision: Int64) throws -> Record { try store.undo(revision: revision, source: source) }
    public func conflicts() throws -> [ConflictEntry] { try store.conflicts() }
    public func resolveConflict(id: Int64, request: UpsertRequest?, resolution: String) throws -> Plan? {
        try store.resolveConflict(id: id, request: request, resolution: resolution, source: source)
    }
    public func scanDuplicates(type: String, rules: [DuplicateRule]) -> BackgroundJob<DuplicateReport> {
        let job = BackgroundJob<DuplicateReport>()
        let store = self.store
        runInBackground {
            do {
                let report = try store.scanDuplicates(type: type, rules: rules) { job.report($0.fraction, $0.phase) }
                job.finish(report.map { .done($0) } ?? .cancelled)
            } catch {
                job.finish(.failed("\(error)"))
            }
        }
        return job
    }
    public func planMerge(type: String, survivor: String, losers: [String], take: [String: String]) throws -> MergePlan {
        try store.planMerge(type: type, survivor: survivor, losers: losers, take: take)
    }
    public func merge(type: String, survivor: String, losers: [String], take: [String: String]) throws -> Int64 {
        try store.merge(type: type, survivor: survivor, losers: losers, take: take, source: source).id
    }
    public func undoMerge(id: Int64) throws -> [Record] { try store.undoMerge(id: id, source: source) }
}
