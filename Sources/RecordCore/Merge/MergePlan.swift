import Foundation

/// How a merged field's value was chosen.
public enum MergeChoice: Sendable, Equatable {
    /// Every record that has the field holds the same value.
    case same
    /// One record's value, chosen by the field's rule.
    case picked(from: String)
    /// Arrays joined, without repeating a value (compared after normalisation).
    case union
    /// Objects merged: the first record's keys, gaps filled from the others.
    case combined
    /// Chosen by hand (`--take FIELD=RECORD`, or picked in the Merge view).
    case taken(from: String)
    /// No record has a value.
    case blank

    /// One word, for narrow columns: same, picked, union, combined, taken, blank.
    public var shortLabel: String {
        switch self {
        case .same: return "same"
        case .picked: return "picked"
        case .union: return "union"
        case .combined: return "combined"
        case .taken: return "taken"
        case .blank: return "blank"
        }
    }

    /// The record whose value was kept, when one was.
    public var recordID: String? {
        switch self {
        case .picked(let id), .taken(let id): return id
        default: return nil
        }
    }
}

/// One field of a merge: each record's value, the merged one, and why.
public struct MergeField: Sendable, Equatable {
    /// `name`, `external_id`, `parent_id` or `data.<key>`.
    public var field: String
    /// Per record (survivor first, then losers in order); nil when the record lacks the field.
    public var values: [JSONValue?]
    public var result: JSONValue?
    public var choice: MergeChoice
    /// True when records hold different values, so the choice matters.
    public var conflicting: Bool
    /// The rule that chose the value (nil when chosen by hand).
    public var rule: FieldRule?
    /// When the kept value was set in the record it came from (by the revision that set it).
    public var at: Date?
    /// The choice in words: "most recent: 0190… 2026-03-02", "same in 3 records".
    public var explanation: String

    public var json: JSONValue {
        [
            "field": .string(field), "result": result ?? .null, "choice": .string(choice.shortLabel),
            "rule": rule.map { .string($0.description) } ?? .string("by hand"),
            "from": choice.recordID.map(JSONValue.string) ?? .null,
            "at": at.map { .string(Timestamp.format($0)) } ?? .null, "explanation": .string(explanation),
            "conflicting": .bool(conflicting),
        ]
    }
}

/// What merging losers into a survivor does (issue 6): the merged record and every knock-on write.
public struct MergePlan: Sendable, Equatable {
    public var type: String
    public var survivorID: String
    public var loserIDs: [String]
    /// Record ids in column order: survivor, then losers.
    public var recordIDs: [String] { [survivorID] + loserIDs }
    public var fields: [MergeField]
    /// The rule set the plan follows, and why the survivor survives ("most complete: 7 fields, next 5").
    public var rules: String
    public var survivorReason: String
    /// The survivor before and after.
    public var survivor: Record
    public var result: Record
    public var diff: [DiffEntry]
    /// Every write, in the order the store applies them: losers, re-pointed records, then the survivor.
    public var writes: [RecordWrite]
    /// Records whose `parent_id` moves from a loser to the survivor.
    public var repointedChildren: [String]
    /// Records whose associations to a loser now point at the survivor.
    public var repointedAssociations: [String]
    /// Losers' identifier values moved aside so the survivor can hold them.
    public var movedAside: [SideEffect]
    public var errors: [String]
    public var warnings: [String]

    public var isValid: Bool { errors.isEmpty }

    public var json: JSONValue {
        func value(_ v: JSONValue?) -> JSONValue { v ?? .null }
        return [
            "type": .string(type), "survivor": .string(survivorID), "losers": .array(loserIDs.map(JSONValue.string)),
            "rules": .string(rules), "survivor_reason": .string(survivorReason),
            "fields": .array(
                fields.map { f in
                    var o = f.json.objectValue ?? [:]
                    o["values"] = .object(JSONObject(zip(recordIDs, f.values.map(value))))
                    return .object(o)
                }),
            "result": result.json, "diff": .array(diff.map(\.json)),
            "repointed_children": .array(repointedChildren.map(JSONValue.string)),
            "repointed_associations": .array(repointedAssociations.map(JSONValue.string)),
            "moved_aside": .array(movedAside.map(\.json)),
            "writes": .int(Int64(writes.count)),
            "errors": .array(errors.map(JSONValue.string)), "warnings": .array(warnings.map(JSONValue.string)),
        ]
    }
}
