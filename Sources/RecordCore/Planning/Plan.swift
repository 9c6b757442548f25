import Foundation

/// What the engine decided for a request (DESIGN §3).
public enum Decision: String, Sendable, CaseIterable {
    case create, update, unchanged, unarchive, unarchive_update = "unarchive_update", overwrite, skip
    case ambiguous, conflict, stale, invalid, not_found = "not_found"

    /// The native dialect's HTTP status for this decision.
    public var status: Int {
        switch self {
        case .create, .overwrite, .unarchive, .unarchive_update: return 201
        case .update, .unchanged, .skip: return 200
        case .ambiguous: return 300
        case .conflict, .stale: return 409
        case .invalid: return 400
        case .not_found: return 404
        }
    }

    /// True when applying the plan writes something.
    public var writes: Bool { [.create, .update, .unarchive, .unarchive_update, .overwrite].contains(self) }
    /// True for outcomes that need a person's decision or are refusals.
    public var isError: Bool { [.ambiguous, .conflict, .stale, .invalid, .not_found].contains(self) }
}

/// What happened to the record.
public enum Action: String, Sendable { case created, updated, unarchived }

/// A problem with one field of a request.
public struct FieldError: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, message: String) { self.field = field; self.message = message }
    public var description: String { "\(field): \(message)" }
    public var json: JSONValue { ["field": .string(field), "message": .string(message)] }
}

/// How the matched record was found.
public struct MatchVia: Sendable, Equatable {
    public var identifier: String?
    public var path: String?
    public var value: JSONValue
    public var normalized: String?
    public var json: JSONValue {
        [
            "identifier": identifier.map(JSONValue.string) ?? .null, "path": path.map(JSONValue.string) ?? .null,
            "value": value, "normalized": normalized.map(JSONValue.string) ?? .null,
        ]
    }
}

/// The matched record.
public struct MatchInfo: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var archived: Bool
    public var via: MatchVia?
    public var json: JSONValue {
        [
            "id": .string(id), "name": name.map(JSONValue.string) ?? .null, "archived": .bool(archived),
            "via": via?.json ?? .null,
        ]
    }
}

/// One changed leaf between the old and the new record.
public struct DiffEntry: Sendable, Equatable {
    public enum Op: String, Sendable {
        case add, remove, replace
        /// `+`, `-` or `~`, as every diff recdeck prints marks the change.
        public var symbol: String {
            switch self {
            case .add: "+"
            case .remove: "-"
            case .replace: "~"
            }
        }
    }
    public var path: String
    public var op: Op
    public var before: JSONValue?
    public var after: JSONValue?
    public var json: JSONValue {
        ["path": .string(path), "op": .string(op.rawValue), "before": before ?? .null, "after": after ?? .null]
    }
}

/// An identifier value moved aside on another record (`<value>_discarded_<unix seconds>`).
public struct SideEffect: Sendable, Equatable {
    public var recordID: String
    public var identifier: String
    public var before: JSONValue
    public var after: JSONValue
    public var json: JSONValue {
        [
            "record_id": .string(recordID), "identifier": .string(identifier), "before": before, "after": after,
            "effect": "identifier value moved aside",
        ]
    }
}

/// The kind of a revision.
public enum RevisionOp: String, Sendable {
    case create, update, unarchive, discard, archive, restore, undo, merge
}

/// One record write a plan asks the store to make, with the state it expects to replace.
public struct RecordWrite: Sendable, Equatable {
    public var op: RevisionOp
    public var before: Record?
    public var after: Record
    /// The write takes the type's next autonumber.
    public var consumesAutonumber: Bool = false
    /// The identifier keys the write changes, when the planner worked them out (checking them for
    /// collisions); the store works them out otherwise. Only for the type the write was planned against.
    public var keyChanges: KeyChanges?
    public init(
        op: RevisionOp, before: Record?, after: Record, consumesAutonumber: Bool = false, keyChanges: KeyChanges? = nil
    ) {
        self.op = op; self.before = before; self.after = after; self.consumesAutonumber = consumesAutonumber
        self.keyChanges = keyChanges
    }
}

/// What another archive mode would have done.
public struct Alternative: Sendable, Equatable {
    public var decision: Decision
    public var action: Action?
    public var record: Record?
    public var errors: [FieldError]
    public var json: JSONValue {
        [
            "decision": .string(decision.rawValue), "action": action.map { .string($0.rawValue) } ?? .null,
            "record": record?.json ?? .null, "errors": .array(errors.map(\.json)),
        ]
    }
}

/// The engine's answer for one request: the decision, the resulting record and every write (DESIGN §3).
public struct Plan: Sendable, Equatable {
    public var decision: Decision
    public var action: Action?
    /// Set when the status differs from the decision's usual one (413 body too large, 409 idempotency).
    public var statusOverride: Int?
    public var match: MatchInfo?
    /// The lookup the engine used (which identifier or path, which value), whether or not it matched.
    public var lookup: MatchVia?
    public var candidates: [Record] = []
    public var record: Record?
    public var sideEffects: [SideEffect] = []
    public var alternatives: [(mode: ArchivedMatchMode, alternative: Alternative)] = []
    public var warnings: [String] = []
    public var errors: [FieldError] = []
    /// The writes applying this plan makes, in order (empty unless `decision.writes`).
    public var writes: [RecordWrite] = []
    /// True when this plan replays an earlier result for the same idempotency key.
    public var replayed = false

    public init(decision: Decision, action: Action? = nil) { self.decision = decision; self.action = action }

    public var status: Int { statusOverride ?? decision.status }

    /// The errors on one line ("field: message; …"), or the decision's name when there are none.
    public var errorSummary: String {
        errors.isEmpty ? decision.rawValue : errors.map(\.description).joined(separator: "; ")
    }

    /// Leaf changes the plan makes to the matched (or new) record; derived from its main write.
    public var diff: [DiffEntry] {
        guard let main = writes.last, main.op != .discard else { return [] }
        return Planner.diff(main.before, main.after)
    }

    public static func == (a: Plan, b: Plan) -> Bool {
        a.decision == b.decision && a.action == b.action && a.status == b.status && a.match == b.match
            && a.lookup == b.lookup
            && a.candidates == b.candidates && a.record == b.record && a.sideEffects == b.sideEffects
            && a.warnings == b.warnings && a.errors == b.errors && a.writes == b.writes
            && a.alternatives.map(\.mode) == b.alternatives.map(\.mode)
            && a.alternatives.map(\.alternative) == b.alternatives.map(\.alternative)
    }

    /// The plan JSON of DESIGN §3.
    public var json: JSONValue {
        var alts: JSONObject = [:]
        for (mode, alt) in alternatives { alts[mode.rawValue] = alt.json }
        return [
            "decision": .string(decision.rawValue),
            "action": action.map { .string($0.rawValue) } ?? .null,
            "status": .int(Int64(status)),
            "match": match?.json ?? .null,
            "lookup": lookup?.json ?? .null,
            "candidates": .array(
                candidates.map {
                    [
                        "id": .string($0.id), "name": $0.name.map(JSONValue.string) ?? .null,
                        "archived": .bool($0.archived),
                    ]
                }),
            "diff": .array(diff.map(\.json)),
            "record": record?.json ?? .null,
            "side_effects": .array(sideEffects.map(\.json)),
            "alternatives": .object(alts),
            "warnings": .array(warnings.map(JSONValue.string)),
            "errors": .array(errors.map(\.json)),
            "replayed": .bool(replayed),
        ]
    }

    /// What archive mode `mode` does with this request: its alternative, else (the plan's own mode, or a
    /// request that met no archived record) the plan itself.
    public func outcome(for mode: ArchivedMatchMode) -> Alternative {
        alternatives.first { $0.mode == mode }?.alternative
            ?? Alternative(decision: decision, action: action, record: record, errors: errors)
    }

    /// A plan refusing the request with field errors; `status` only when it differs from 400.
    public static func invalid(_ errors: [FieldError], status: Int? = nil) -> Plan {
        var p = Plan(decision: .invalid)
        p.errors = errors
        p.statusOverride = status == Decision.invalid.status ? nil : status
        return p
    }

    /// The plan for a request that could not be decoded (400, or 413 for a body over 1 MiB); a 404
    /// (the request names a type that does not exist) is `not_found`.
    public static func invalid(_ error: RequestError) -> Plan {
        guard error.status == Decision.not_found.status else { return .invalid(error.errors, status: error.status) }
        var p = Plan(decision: .not_found)
        p.errors = error.errors
        return p
    }
}
