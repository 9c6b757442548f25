/// Values the store hands to its readers (CLI and TUI): pure data, no I/O.

/// A type with its counts, as the Types view and `recdeck types` show it.
public struct TypeSummary: Sendable {
    public var type: ObjectType
    public var active: Int
    public var archived: Int
    public var pendingConflicts: Int
    public init(type: ObjectType, active: Int, archived: Int, pendingConflicts: Int) {
        self.type = type; self.active = active; self.archived = archived; self.pendingConflicts = pendingConflicts
    }
}

/// One page of a keyset-paged listing; `next` is the cursor of the following page, nil at the end.
public struct RecordPage: Sendable {
    public var records: [Record]
    public var next: Int64?
    public init(records: [Record], next: Int64?) { self.records = records; self.next = next }
}

/// Which records a listing shows.
public enum ArchiveFilter: Sendable { case active, archived, all }

/// A revision of a record.
public struct Revision: Sendable {
    public var id: Int64
    public var recordID: String
    public var version: Int
    public var op: RevisionOp
    public var before: Record?
    public var after: Record
    public var source: String
    public var batch: String?
    public var at: String
    public init(
        id: Int64, recordID: String, version: Int, op: RevisionOp, before: Record?, after: Record, source: String,
        batch: String?, at: String
    ) {
        self.id = id; self.recordID = recordID; self.version = version; self.op = op; self.before = before
        self.after = after; self.source = source; self.batch = batch; self.at = at
    }
}

/// Where a parked conflict stands.
public enum ConflictStatus: String, Sendable {
    case pending, resolved
}

/// How a bulk process ended: `complete`, or `rolled_back` for an atomic batch with a failed item.
public enum ProcessStatus: String, Sendable {
    case complete
    case rolledBack = "rolled_back"
}

/// A request parked in the conflict queue.
public struct ConflictEntry: Sendable {
    public var id: Int64
    public var type: String
    /// The dialect the request was written in (its body is that dialect's JSON for one record).
    public var dialect: String
    public var request: String
    public var plan: JSONValue
    public var recordID: String?
    public var status: ConflictStatus
    public var resolution: String?
    public var createdAt: String
    public init(
        id: Int64, type: String, dialect: String, request: String, plan: JSONValue, recordID: String?,
        status: ConflictStatus,
        resolution: String?, createdAt: String
    ) {
        self.id = id; self.type = type; self.dialect = dialect; self.request = request; self.plan = plan;
        self.recordID = recordID
        self.status = status; self.resolution = resolution; self.createdAt = createdAt
    }
}

/// A bulk process: each record's result, kept under the id the 202 answer gave.
public struct BulkProcess: Sendable {
    public var id: String
    public var type: String
    public var dialect: String
    public var status: ProcessStatus
    public var results: [JSONValue]
    public var createdAt: String
    public init(
        id: String, type: String, dialect: String, status: ProcessStatus, results: [JSONValue], createdAt: String
    ) {
        self.id = id; self.type = type; self.dialect = dialect; self.status = status; self.results = results;
        self.createdAt = createdAt
    }
    public var json: JSONValue {
        [
            "processId": .string(id), "object_type": .string(type), "dialect": .string(dialect),
            "status": .string(status.rawValue),
            "created_at": .string(createdAt), "results": .array(results),
        ]
    }
}

/// How often each value of a column occurs: the most frequent first (DESIGN §6, the frequency view).
public struct FrequencyTable: Sendable {
    public struct Row: Sendable {
        /// The value (nil: the column is absent in those records).
        public var value: JSONValue?
        public var count: Int
        public init(value: JSONValue?, count: Int) { self.value = value; self.count = count }
    }
    /// The most frequent values (at most the number asked for).
    public var rows: [Row]
    /// The rows counted.
    public var total: Int
    /// The number of distinct values.
    public var distinct: Int
    public init(rows: [Row], total: Int, distinct: Int) {
        self.rows = rows; self.total = total; self.distinct = distinct
    }

    /// A value's share of the rows counted (0…1).
    public func share(_ row: Row) -> Double { total == 0 ? 0 : Double(row.count) / Double(total) }
}
