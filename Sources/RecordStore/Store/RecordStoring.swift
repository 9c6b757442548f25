import Foundation
import RecordCore

/// The one store protocol the command line uses, whichever store is behind it (a SQLite file, or the team store
/// on PostgreSQL). The exchange and the record operations come from `TransactionalStore`, written once; what is
/// listed here each store answers with its own SQL.
public protocol RecordStoring: ScenarioStore, Sendable {
    /// Where the store lives, as shown to the user: a file path, or a `postgres://` URL without its password.
    var location: String { get }
    /// Every type with its active/archived counts and pending conflicts.
    func types() throws -> [TypeSummary]
    /// One page of a type's records in insertion order, starting after `cursor` (a sequence number).
    func list(type: String, filter: ArchiveFilter, after cursor: Int64?, limit: Int) throws -> RecordPage
    /// Applies one batch of import items in one transaction, in order; prompt-mode conflicts are parked.
    /// `next`: the batch that will follow, when already read (a store may answer its probes ahead).
    func importBatch(_ items: [ImportItem], type: String, source: WriteSource, next: [ImportItem]) throws -> [Plan]
    /// Imports batches one transaction each, in order, calling `committed` after each commit.
    func importStream(
        type: String, next: () throws -> ImportBatch?, following: (Int) -> [ImportItem]?,
        committed: (ImportBatch, [Plan]) throws -> Void
    ) throws
    /// The process a bulk request's 202 answer named.
    func process(id: String) throws -> BulkProcess?
    /// The most recent bulk processes, newest first.
    func recentProcesses(limit: Int) throws -> [BulkProcess]
}

extension RecordStore: RecordStoring {
    public var location: String { path }
}
