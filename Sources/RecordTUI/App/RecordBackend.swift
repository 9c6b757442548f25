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
    /// The number of rows a query lists (a filter's matches counted up to 10,000).
    func count(_ query: RecordQuery) throws -> RowCount?
    /// Counts a filter's matches (up to 10,000) off the main actor.
    func countInBackground(_ query: RecordQuery) -> BackgroundJob<RowCount>
    /// True when sorting by `column` reads an index (else `buildSortIndex` makes one).
    func hasSortIndex(_ column: SortColumn) throws -> Bool
    /// Builds the index a sort by `column` pages through, off the main actor; the job's value is the
    /// time it took in seconds. Cancelling interrupts the build, which leaves nothing behind.
    func buildSortIndex(_ column: SortColumn) -> BackgroundJob<Double>
    /// Counts a column's values over a listing, off the main actor (the frequency view).
    func frequencies(of column: GridColumn, in query: RecordQuery) -> BackgroundJob<FrequencyTable>
    /// A record's children, oldest first.
    func children(of id: String) throws -> [Record]
    /// The records associated with this one from their side, oldest first.
    func associated(to id: String) throws -> [Record]
    /// Writes a listing's rows (or only the records `ids`, in that order) to a file, JSONL or CSV by its
    /// extension, off the main actor; the file appears whole or not at all.
    func export(_ query: RecordQuery, ids: [String]?, columns: [GridColumn], to path: String) -> BackgroundJob<
        ExportSummary
    >
    func record(id: String) throws -> Record?
    func history(recordID: String) throws -> [Revision]
    /// Plans a unified request against the current state; writes nothing.
    func plan(_ request: UpsertRequest) throws -> Plan
    /// Plans and applies a unified request in one transaction.
    func upsert(_ request: UpsertRequest) throws -> Plan
    /// A native request in a dialect: previewed (`apply: false`) or applied, in one transaction.
    func perform(_ exchange: Exchange, apply: Bool) throws -> ExchangeOutcome
    /// Archives records of one type in one transaction (all or none); returns the batch id `undoBatch` takes.
    func archive(type: String, ids: [String]) throws -> String
    /// Restores records of one type in one transaction (all or none); returns the batch id.
    func restore(type: String, ids: [String]) throws -> String
    /// Undoes every revision of a batch in one transaction (refused when a record changed since).
    func undoBatch(_ batch: String) throws -> [Record]
    /// Writes a revision's previous state back as a new revision.
    func undo(revision: Int64) throws -> Record
    /// Pending conflicts, oldest first.
    func conflicts() throws -> [ConflictEntry]
    /// Applies the chosen request (nil: skip) and marks the conflict resolved, in one transaction.
    func resolveConflict(id: Int64, request: UpsertRequest?, resolution: String) throws -> Plan?
    /// Requests the sandbox server journaled: after `after` (an id), oldest first; or the newest `limit`.
    func requests(after: Int64?, limit: Int) throws -> [JournalEntry]
    /// One journaled request by its id (its resolution as it is now).
    func request(id: Int64) throws -> JournalEntry?
    /// Starts a duplicate scan off the main actor; the view polls the job.
    func scanDuplicates(type: String, rules: [DuplicateRule]) -> BackgroundJob<DuplicateReport>
    /// A file being imported into this store in the background (opening a file directly), if any.
    var fileImport: ImportProgress? { get }
    /// Survivorship rule sets to offer (built in, then the user's files), and problems reading the files.
    var mergeRuleSets: (sets: [MergeRuleSet], problems: [String]) { get }
    /// The nickname list for the nickname duplicate rule.
    var nicknames: NicknameTable? { get }
    /// Plans a merge against the current state; writes nothing. A nil survivor is chosen by the master rules
    /// among `recordIDs` (else it is `recordIDs[0]`).
    func planMerge(type: String, recordIDs: [String], survivor: String?, take: [String: String], rules: MergeRuleSet)
        throws -> MergePlan
    /// Applies a merge in one transaction; returns the merge id (for undo).
    func merge(type: String, survivor: String, losers: [String], take: [String: String], rules: MergeRuleSet)
        throws -> Int64
    /// Undoes a merge in one transaction.
    func undoMerge(id: Int64) throws -> [Record]
    /// A bulk merge of `groups` (a dry run writes nothing), off the main actor.
    func autoMerge(
        type: String, groups: [DuplicateGroup], match: String, rules: MergeRuleSet, minScore: Double, dryRun: Bool
    ) -> BackgroundJob<MergeRun>
    /// A run with its groups (only those with `status` when given).
    func mergeRun(_ id: String, status: MergeGroupStatus?) throws -> MergeRun
    /// The newest run (of a type) with groups waiting for review.
    func runAwaitingReview(type: String?) throws -> String?
    /// Plans a review group by its run's rules, or the hand-made survivor and picks.
    func planReview(run: String, position: Int, survivor: String?, take: [String: String]) throws -> MergePlan
    /// Merges a review group (one transaction); returns the merge id.
    func acceptReview(run: String, position: Int, survivor: String?, take: [String: String]) throws -> Int64
    /// Dismisses a review group (nothing merged).
    func dismissReview(run: String, position: Int) throws
    /// Undoes a whole run, off the main actor.
    func undoRun(_ id: String) -> BackgroundJob<MergeRunUndo>
}

/// What an export wrote.
public struct ExportSummary: Sendable {
    public var path: String
    public var rows: Int
    public var format: String
    public init(path: String, rows: Int, format: String) { self.path = path; self.rows = rows; self.format = format }
}
