import Foundation
import RecordCore

/// What one transaction of a store (SQLite or PostgreSQL) lets the exchange flow do. A store opens it
/// (`TransactionalStore`); the exchange, the server's group commits and the scenario runner are written once
/// against it, so both stores answer a request the same way.
public protocol StoreTransaction {
    /// The type with this key, read inside the transaction.
    func objectType(_ key: String) throws -> ObjectType?
    /// A request planned against the current state; nothing written.
    func plan(_ request: UpsertRequest, type: ObjectType?) throws -> Plan
    /// A request planned and its writes applied (with its idempotency key kept), inside the transaction.
    func applyPlanned(_ request: UpsertRequest, type: ObjectType?, source: WriteSource) throws -> Plan
    /// Items planned and applied in order (a later one sees an earlier one's effect); decoding warnings join
    /// each plan. With `parkConflicts` (the items' dialect), prompt-mode conflicts are parked in the queue.
    func applyBatch(_ items: [DecodedItem], type: ObjectType?, source: WriteSource, parkConflicts: String?) throws
        -> [Plan]
    /// Parks a prompt-mode conflict in the queue; returns its id.
    func parkConflict(_ request: UpsertRequest, body: JSONValue, plan: Plan, dialect: String, source: WriteSource)
        throws -> Int64
    /// Keeps a bulk request's process (its id, status and each item's result).
    func recordProcess(_ process: ProcessEntry) throws
    /// Appends a served request to the journal.
    func appendRequest(_ entry: JournalEntry) throws

    /// The record with this id, if any.
    func record(id: String) throws -> Record?
    /// Records of `type` holding a normalised identifier value, in insertion order.
    func records(type: String, identifier: String, value: String) throws -> [Record]
    /// Writes one decided write — the row, its keys, associations and revision — inside the transaction.
    func write(_ write: RecordWrite, type: ObjectType, source: WriteSource, at now: Date) throws
    /// A stored revision, if any.
    func revision(id: Int64) throws -> StoredRevision?
    /// A record's revisions, oldest first.
    func revisions(ofRecord id: String) throws -> [StoredRevision]
    /// The ids of the revisions written under a batch label, newest first.
    func revisionIDs(inBatch batch: String) throws -> [Int64]
    /// The conflict queue (pending entries only, or all), oldest first.
    func conflicts(pendingOnly: Bool) throws -> [ConflictEntry]
    /// A parked conflict's status ("pending", "resolved"), nil when there is no such entry.
    func conflictStatus(id: Int64) throws -> String?
    /// Marks a conflict resolved, and the journal entry of the request that parked it (`journal`: what it says).
    func markResolved(conflict id: Int64, resolution: String, journal: String, at: Date) throws
}

/// A revision as stored: its compact `after` text (`Record.revisionText`) and the revision before it.
public struct StoredRevision: Sendable {
    public var id: Int64
    public var recordID: String
    public var version: Int
    public var op: RevisionOp
    public var after: String
    public var source: String
    public var batch: String?
    public var at: Date
    public var previous: Int64?
    public init(
        id: Int64, recordID: String, version: Int, op: RevisionOp, after: String, source: String, batch: String?,
        at: Date, previous: Int64?
    ) {
        self.id = id; self.recordID = recordID; self.version = version; self.op = op; self.after = after
        self.source = source; self.batch = batch; self.at = at; self.previous = previous
    }

    /// The state this revision wrote, completed from its record (id, type, creation time).
    public func state(of record: Record) throws -> Record {
        do {
            return try Record(
                revision: JSONValue.parse(after), id: record.id, type: record.type, createdAt: record.createdAt,
                version: version, at: at)
        } catch let e as JSONSyntaxError {
            throw StoreError.invalid("revision \(id) holds unreadable JSON (\(e.message)); the database may be damaged")
        }
    }
}

/// A bulk process as it is kept: what `StoreTransaction.recordProcess` writes.
public struct ProcessEntry: Sendable {
    public var id: String
    public var type: String?
    public var dialect: String
    public var status: ProcessStatus
    public var results: [JSONValue]
    public var source: String
    public var createdAt: Date
}

/// A store whose transactions the exchange flow runs in.
public protocol TransactionalStore: AnyObject {
    associatedtype Transaction: StoreTransaction
    /// Writes are refused (a read-only transaction serves reads).
    var readOnly: Bool { get }
    /// The store's clock (tests and scenarios pin it).
    func now() -> Date
    /// Runs `body` in one write transaction, committed only when `commitIf` approves its result; a plan made
    /// inside cannot be overtaken by another writer.
    func inWriteTransaction<T>(_ what: String, commitIf: (T) -> Bool, _ body: (Transaction) throws -> T) throws -> T
    /// Runs `body` in one read transaction.
    func inReadTransaction<T>(_ body: (Transaction) throws -> T) throws -> T
}

extension StoreTransaction {
    /// `applyBatch` one item after another through `applyPlanned` (a store without a batch write path).
    public func applyEachOf(
        _ items: [DecodedItem], type: ObjectType?, source: WriteSource, parkConflicts: String?
    ) throws -> [Plan] {
        try items.map { item in
            var plan: Plan
            switch item.request {
            case .failure(let e): plan = .invalid(e)
            case .success(let request):
                plan = try applyPlanned(request, type: type, source: source)
                if let dialect = parkConflicts, plan.decision == .conflict {
                    _ = try parkConflict(request, body: item.body, plan: plan, dialect: dialect, source: source)
                }
            }
            if !item.warnings.isEmpty { plan.warnings = item.warnings + plan.warnings }
            return plan
        }
    }
}
