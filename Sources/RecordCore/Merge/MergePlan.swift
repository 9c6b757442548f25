import Foundation

/// How a merged field's value was chosen.
public enum MergeChoice: Sendable, Equatable {
    /// Every record that has the field holds the same value.
    case same
    /// The survivor's value (others differ).
    case survivor
    /// The survivor had none: the first loser with a value gave it.
    case filled(from: String)
    /// Arrays joined, without repeating a value (compared after normalisation).
    case union
    /// Objects merged: the survivor's keys, gaps filled from the losers.
    case combined
    /// Chosen by hand (`--take FIELD=RECORD`, or picked in the Merge view).
    case taken(from: String)

    /// One word, for narrow columns: same, survivor, filled, union, combined, taken.
    public var shortLabel: String {
        switch self {
        case .same: return "same"
        case .survivor: return "survivor"
        case .filled: return "filled"
        case .union: return "union"
        case .combined: return "combined"
        case .taken: return "taken"
        }
    }

    public var label: String {
        switch self {
        case .same: return "same"
        case .survivor: return "survivor's"
        case .filled(let id): return "filled from \(id)"
        case .union: return "union"
        case .combined: return "combined"
        case .taken(let id): return "taken from \(id)"
        }
    }
}

/// One field of a merge: each record's value and the merged one.
public struct MergeField: Sendable, Equatable {
    /// `name`, `external_id`, `parent_id` or `data.<key>`.
    public var field: String
    /// Per record (survivor first, then losers in order); nil when the record lacks the field.
    public var values: [JSONValue?]
    public var result: JSONValue?
    public var choice: MergeChoice
    /// True when records hold different values, so the choice matters.
    public var conflicting: Bool
}

/// What merging losers into a survivor does (issue 6): the merged record and every knock-on write.
public struct MergePlan: Sendable, Equatable {
    public var type: String
    public var survivorID: String
    public var loserIDs: [String]
    /// Record ids in column order: survivor, then losers.
    public var recordIDs: [String] { [survivorID] + loserIDs }
    public var fields: [MergeField]
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
            "fields": .array(
                fields.map { f in
                    [
                        "field": .string(f.field), "result": value(f.result), "choice": .string(f.choice.label),
                        "conflicting": .bool(f.conflicting),
                        "values": .object(Dictionary(uniqueKeysWithValues: zip(recordIDs, f.values.map(value)))),
                    ]
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
