import RecordCore

/// Everything the screens read and write, behind one protocol: the app wires it to the record store, so
/// the screens themselves do no I/O. Every write is one transaction in the store.
public protocol RecordBackend: AnyObject {
    /// True when the database is open read-only (every write is refused).
    var readOnly: Bool { get }
    /// The database, as the title bar names it.
    var location: String { get }
    func types() throws -> [TypeSummary]
    func objectType(_ key: String) throws -> ObjectType?
    /// Up to `limit` rows after (or before) a keyset cursor, in display order.
    func page(_ query: RecordQuery, from key: PageKey?, direction: PageDirection, limit: Int) throws -> [ListedRecord]
    /// The number of rows a query lists, when known without a scan.
    func count(_ query: RecordQuery) throws -> Int?
    func record(id: String) throws -> Record?
    func history(recordID: String) throws -> [Revision]
    /// Plans a unified request against the current state; writes nothing.
    func plan(_ request: UpsertRequest) throws -> Plan
    /// Plans and applies a unified request in one transaction.
    func upsert(_ request: UpsertRequest) throws -> Plan
    /// A native request in a dialect: previewed (`apply: false`) or applied.
    func exchange(_ dialect: any Dialect, type: String?, query: [(String, String)], bytes: [UInt8], apply: Bool) throws -> DialectExchange
    /// Archives records of one type in one transaction (all or none).
    func archive(type: String, ids: [String]) throws -> [Record]
    /// Restores records of one type in one transaction (all or none).
    func restore(type: String, ids: [String]) throws -> [Record]
    /// Writes a revision's previous state back as a new revision.
    func undo(revision: Int64) throws -> Record
    /// Pending conflicts, oldest first.
    func conflicts() throws -> [ConflictEntry]
    /// Applies the chosen request (nil: skip) and marks the conflict resolved, in one transaction.
    func resolveConflict(id: Int64, request: UpsertRequest?, resolution: String) throws -> Plan?
    /// Starts a duplicate scan off the main actor; the view polls the job.
    func scanDuplicates(type: String, rules: [DuplicateRule]) -> BackgroundJob<DuplicateReport>
    /// Plans a merge against the current state; writes nothing.
    func planMerge(type: String, survivor: String, losers: [String], take: [String: String]) throws -> MergePlan
    /// Applies a merge in one transaction; returns the merge id (for undo).
    func merge(type: String, survivor: String, losers: [String], take: [String: String]) throws -> Int64
    /// Undoes a merge in one transaction.
    func undoMerge(id: Int64) throws -> [Record]
}
