import Foundation

/// What happened to one duplicate group in a bulk merge run.
public enum MergeGroupStatus: String, Sendable, CaseIterable {
    /// Merged by the run (in a dry run: would be merged).
    case merged
    /// Not merged, with the reason in `note` (invalid plan, changed since the scan, a write refused).
    case skipped
    /// Below the run's minimum score: waits in the review queue.
    case review
    /// Merged from the review queue.
    case accepted
    /// Skipped in the review queue.
    case dismissed
}

/// One group a run met.
public struct MergeRunGroup: Sendable, Equatable {
    public var position: Int
    public var recordIDs: [String]
    public var score: Double
    public var reason: String
    public var status: MergeGroupStatus
    /// Why it was skipped, or the survivor and its reason when merged.
    public var note: String?
    public var mergeID: Int64?
    /// The plan (dry runs and previews only; a run does not keep plans in memory).
    public var plan: MergePlan?

    public init(
        position: Int, recordIDs: [String], score: Double, reason: String, status: MergeGroupStatus,
        note: String? = nil, mergeID: Int64? = nil, plan: MergePlan? = nil
    ) {
        self.position = position; self.recordIDs = recordIDs; self.score = score; self.reason = reason
        self.status = status; self.note = note; self.mergeID = mergeID; self.plan = plan
    }

    public var json: JSONValue {
        var o: JSONObject = [
            "position": .int(Int64(position)), "records": .array(recordIDs.map(JSONValue.string)),
            "score": .double(score.rounded(toPlaces: 3)), "reason": .string(reason), "status": .string(status.rawValue),
            "note": note.map(JSONValue.string) ?? .null, "merge": mergeID.map { .int($0) } ?? .null,
        ]
        if let plan { o["plan"] = plan.json }
        return .object(o)
    }
}

/// A bulk merge run (`recdeck merge --auto`): its settings, what it did per group, and its undo state.
public struct MergeRun: Sendable, Equatable {
    /// `run_<uuidv7>`; nil for a dry run.
    public var id: String?
    public var type: String
    /// The duplicate rules that found the groups ("email").
    public var match: String
    /// The survivorship rule set's name.
    public var rules: String
    public var minScore: Double
    public var startedAt: Date
    public var finishedAt: Date?
    public var undoneAt: Date?
    public var groups: [MergeRunGroup]
    /// Counts per status (kept when `groups` is not loaded).
    public var counts: [MergeGroupStatus: Int]

    public init(
        id: String?, type: String, match: String, rules: String, minScore: Double, startedAt: Date,
        finishedAt: Date? = nil, undoneAt: Date? = nil, groups: [MergeRunGroup] = [],
        counts: [MergeGroupStatus: Int]? = nil
    ) {
        self.id = id; self.type = type; self.match = match; self.rules = rules; self.minScore = minScore
        self.startedAt = startedAt; self.finishedAt = finishedAt; self.undoneAt = undoneAt; self.groups = groups
        self.counts = counts ?? Dictionary(groups.map { ($0.status, 1) }, uniquingKeysWith: +)
    }

    public func count(_ status: MergeGroupStatus) -> Int { counts[status] ?? 0 }

    /// "1,203 merged · 4 skipped · 37 to review".
    public var summary: String {
        var parts = ["\(count(.merged)) merged", "\(count(.skipped)) skipped", "\(count(.review)) to review"]
        if count(.accepted) > 0 { parts.append("\(count(.accepted)) accepted in review") }
        if count(.dismissed) > 0 { parts.append("\(count(.dismissed)) dismissed in review") }
        return parts.joined(separator: " · ")
    }

    public var json: JSONValue {
        var counts: JSONObject = [:]
        for s in MergeGroupStatus.allCases { counts[s.rawValue] = .int(Int64(count(s))) }
        return [
            "run": id.map(JSONValue.string) ?? .null, "dry_run": .bool(id == nil), "type": .string(type),
            "match": .string(match), "rules": .string(rules), "min_score": .double(minScore),
            "started_at": .string(Timestamp.format(startedAt)),
            "finished_at": finishedAt.map { .string(Timestamp.format($0)) } ?? .null,
            "undone_at": undoneAt.map { .string(Timestamp.format($0)) } ?? .null, "counts": .object(counts),
            "groups": .array(groups.map(\.json)),
        ]
    }

    /// A new run id: `run_` and a time-ordered UUIDv7.
    public static func newID(now: Date, random: inout some RandomNumberGenerator) -> String {
        "run_" + RecordID.make(now: now, random: &random)
    }
}

/// A merge as `recdeck merges` lists it.
public struct MergeEntry: Sendable, Equatable {
    public var id: Int64
    public var type: String
    public var survivorID: String
    public var loserIDs: [String]
    public var runID: String?
    public var source: String
    public var at: Date
    public var undoneAt: Date?
    public init(
        id: Int64, type: String, survivorID: String, loserIDs: [String], runID: String?, source: String, at: Date,
        undoneAt: Date?
    ) {
        self.id = id; self.type = type; self.survivorID = survivorID; self.loserIDs = loserIDs; self.runID = runID
        self.source = source; self.at = at; self.undoneAt = undoneAt
    }
    public var json: JSONValue {
        [
            "merge": .int(id), "type": .string(type), "survivor": .string(survivorID),
            "losers": .array(loserIDs.map(JSONValue.string)), "run": runID.map(JSONValue.string) ?? .null,
            "source": .string(source), "at": .string(Timestamp.format(at)),
            "undone_at": undoneAt.map { .string(Timestamp.format($0)) } ?? .null,
        ]
    }
}

/// The outcome of undoing a run: merges undone, and those refused because a record changed since.
public struct MergeRunUndo: Sendable, Equatable {
    public var runID: String
    public var undone: [Int64]
    public var restoredRecords: Int
    /// Merge id, survivor and why it was refused.
    public var refused: [(merge: Int64, survivor: String, reason: String)]
    public init(runID: String, undone: [Int64], restoredRecords: Int, refused: [(Int64, String, String)]) {
        self.runID = runID; self.undone = undone; self.restoredRecords = restoredRecords
        self.refused = refused.map { (merge: $0.0, survivor: $0.1, reason: $0.2) }
    }
    public static func == (a: MergeRunUndo, b: MergeRunUndo) -> Bool {
        a.runID == b.runID && a.undone == b.undone && a.restoredRecords == b.restoredRecords
            && a.refused.map(\.merge) == b.refused.map(\.merge)
    }
}
