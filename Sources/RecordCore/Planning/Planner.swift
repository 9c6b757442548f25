import Foundation

/// Decides what an upsert does (DESIGN §3, decisions 1–6). Pure: the same request, type, state,
/// clock and id generator give the same plan.
public struct Planner {
    public let lookup: any RecordLookup
    public let now: Date
    public var makeID: () -> String

    /// `remembers`: the lookup already keeps its answers (until a write changes them), so the planner's
    /// own memo (a second table probed per question) is left out.
    public init(lookup: any RecordLookup, now: Date, makeID: @escaping () -> String, remembers: Bool = false) {
        self.lookup = remembers ? lookup : MemoisedLookup(lookup); self.now = now; self.makeID = makeID
    }

    /// The resolved lookup: where the value lives, how it is compared, and which value.
    struct ResolvedLookup {
        /// Set when the lookup probes this identifier's keys; nil means a scan.
        var identifier: Identifier?
        /// Where the value lives in a record (written there on create when the payload lacks it).
        var source: IdentifierSource
        /// How a scan compares values; nil compares JSON exactly.
        var normalize: Normalization?
        var value: JSONValue
        var explicit: Bool

        var via: MatchVia {
            MatchVia(identifier: identifier?.name, path: source.description, value: value, normalized: nil)
        }
    }

    /// The identifier keys planning `request` is likely to probe: its lookup's keys, and the keys its payload
    /// holds (a new state's keys are checked for collisions). A batch prefetches them in one query
    /// (`RecordLookup.prefetch`); this decides nothing.
    public func probeKeys(_ request: UpsertRequest, type: ObjectType) -> [IdentifierKey] {
        var out: [IdentifierKey] = []
        var probed: String?
        if let resolved = try? resolve(request, type: type), let id = resolved.identifier {
            out += id.keys(of: resolved.value).map { IdentifierKey(identifier: id.name, value: $0) }
            probed = id.name
        }
        // The payload's other identifiers (the lookup's own keys are the payload's too, mostly).
        for id in type.identifiers where id.name != probed {
            let raw = id.rawValue(
                name: request.name.value, externalID: request.externalID.value, data: request.data ?? .null)
            out += id.keys(of: raw).map { IdentifierKey(identifier: id.name, value: $0) }
        }
        return out
    }

    /// Plans `request` against `type` (nil when the type does not exist).
    public func plan(_ request: UpsertRequest, type: ObjectType?) throws -> Plan {
        // 1. Unknown type, malformed request, limits.
        guard let type else {
            var p = Plan(decision: .not_found)
            p.errors = [FieldError(field: "type", message: Messages.unknownType(request.type))]
            return p
        }
        var request = request
        var warnings: [String] = []
        var errors = try staticErrors(&request, type: type, warnings: &warnings)
        var resolved: ResolvedLookup? = nil
        switch Result(catching: { () throws(RequestError) -> ResolvedLookup? in try resolve(request, type: type) }) {
        case .success(let r): resolved = r
        case .failure(let e): errors += e.errors
        }
        if !errors.isEmpty {
            var refused = Plan.invalid(errors)
            refused.warnings.insert(contentsOf: warnings, at: 0)
            return refused
        }
        var plan = try decide(request, type: type, resolved: resolved, warnings: &warnings)
        if case .recordID(let id) = request.lookup {
            plan.lookup = MatchVia(identifier: nil, path: "id", value: .string(id), normalized: nil)
        } else {
            plan.lookup = resolved?.via
        }
        // The request's warnings first (in place: the plan is not copied).
        plan.warnings.insert(contentsOf: warnings, at: 0)
        return plan
    }

    /// Decisions 2–6 for a request that passed the static checks.
    func decide(_ request: UpsertRequest, type: ObjectType, resolved: ResolvedLookup?, warnings: inout [String])
        throws -> Plan
    {
        // 2. Idempotency.
        if let key = request.idempotencyKey, let entry = try lookup.idempotencyEntry(key: key) {
            guard entry.type == type.key, entry.fingerprint == request.fingerprint else {
                return .invalid(
                    [FieldError(field: "idempotency_key", message: Messages.idempotencyKeyReused(key))], status: 409)
            }
            var p = Plan(decision: entry.decision, action: Self.action(for: entry.decision))
            p.record = try entry.recordID.flatMap { try lookup.record(id: $0) }
            p.replayed = true
            p.warnings = [Messages.idempotencyReplayed(key)]
            return p
        }

        // 2. Matching.
        var matches: [(record: Record, via: MatchVia)] = []
        if case .recordID(let id) = request.lookup {
            guard let r = try lookup.record(id: id), r.type == type.key else {
                return .invalid([FieldError(field: "lookup.id", message: Messages.noRecordWithID(id, type: type.key))])
            }
            matches = [(r, MatchVia(identifier: nil, path: "id", value: .string(id), normalized: id))]
        } else if let resolved {
            if let id = resolved.identifier {
                let keys = id.keys(of: resolved.value)
                if keys.isEmpty {
                    return .invalid([
                        FieldError(
                            field: "lookup.value", message: Messages.nothingToMatch(resolved.value, id.normalize))
                    ])
                }
                for key in keys {
                    for r in try lookup.records(type: type.key, identifier: id.name, value: key)
                    where !matches.contains(where: { $0.record.id == r.id }) {
                        matches.append(
                            (
                                r,
                                MatchVia(
                                    identifier: id.name, path: resolved.source.description, value: resolved.value,
                                    normalized: key)
                            ))
                    }
                }
            } else {
                warnings.append(Messages.unindexedLookup(resolved.source, resolved.normalize, type: type.key))
                let reader = Identifier(name: "", source: resolved.source, normalize: resolved.normalize ?? .exact)
                let wanted = Set(reader.keys(of: resolved.value))
                if resolved.normalize != nil, wanted.isEmpty {
                    return .invalid([
                        FieldError(
                            field: "lookup.value", message: Messages.nothingToMatch(resolved.value, reader.normalize))
                    ])
                }
                let found = try lookup.scan(type: type.key) { r in
                    let raw = reader.rawValue(name: r.name, externalID: r.externalID, data: r.data)
                    guard resolved.normalize != nil else { return raw == resolved.value }
                    return !wanted.isDisjoint(with: reader.keys(of: raw))
                }
                let normalized = resolved.normalize == nil ? nil : wanted.sorted().first
                for r in found {
                    matches.append(
                        (
                            r,
                            MatchVia(
                                identifier: nil, path: resolved.source.description, value: resolved.value,
                                normalized: normalized)
                        ))
                }
            }
        }
        // Oldest first: by creation time, then in the order the lookup listed them (insertion order), never
        // by the random id — two records created in the same millisecond must keep their insertion order.
        let active: [(record: Record, via: MatchVia)]
        let archived: [(record: Record, via: MatchVia)]
        if matches.count < 2 {
            // One match or none (nearly every request): nothing to order.
            let isArchived = matches.first?.record.archived ?? false
            active = isArchived ? [] : matches
            archived = isArchived ? matches : []
        } else {
            active = matches.enumerated().filter { !$0.element.record.archived }
                .sorted { ($0.element.record.createdAt, $0.offset) < ($1.element.record.createdAt, $1.offset) }.map(
                    \.element)
            archived = matches.filter { $0.record.archived }
        }

        var plan: Plan
        // 3–4. Active matches.
        if active.count > 1 && request.onMultipleMatches == .error {
            plan = Plan(decision: .ambiguous)
            plan.candidates = active.map(\.record)
            plan.errors = [
                FieldError(field: "lookup", message: Messages.severalMatch(active.map(\.record.id), "active"))
            ]
        } else if let first = active.first {
            if active.count > 1 {
                warnings.append(Messages.firstOfSeveral(active.map(\.record.id), chose: first.record.id))
            }
            if let stale = staleCheck(request, first.record) {
                plan = stale
            } else {
                let merged = applyRequest(request, to: first.record, type: type, lookupIdentifier: resolved?.identifier)
                plan = try finishUpdate(request, type: type, old: first.record, new: merged, decision: .update)
            }
            plan.match = MatchInfo(id: first.record.id, name: first.record.name, archived: false, via: first.via)
        } else if archived.count > 1 {
            // 5. Several archived matches.
            plan = Plan(decision: .ambiguous)
            plan.candidates = archived.map(\.record)
            plan.errors = [
                FieldError(field: "lookup", message: Messages.severalMatch(archived.map(\.record.id), "archived"))
            ]
        } else if let only = archived.first {
            if let stale = staleCheck(request, only.record) {
                plan = stale
            } else {
                plan = try planArchived(request, type: type, target: only.record, resolved: resolved)
            }
            plan.match = MatchInfo(id: only.record.id, name: only.record.name, archived: true, via: only.via)
        } else if request.expectedVersion != nil {
            plan = Plan(decision: .stale)
            plan.errors = [
                FieldError(field: "expected_version", message: Messages.nothingMatchedVersion(request.expectedVersion!))
            ]
        } else if request.onNoMatch == .skip {
            // 6. No match.
            plan = Plan(decision: .skip)
            plan.warnings = [Messages.skipped]
        } else {
            plan = try planCreate(request, type: type, resolved: resolved, decision: .create, discarding: nil)
        }
        return plan
    }

    static func action(for decision: Decision) -> Action? {
        switch decision {
        case .create, .overwrite: return .created
        case .update: return .updated
        case .unarchive, .unarchive_update: return .unarchived
        default: return nil
        }
    }

    func staleCheck(_ request: UpsertRequest, _ record: Record) -> Plan? {
        guard let expected = request.expectedVersion, expected != record.version else { return nil }
        var p = Plan(decision: .stale)
        p.errors = [FieldError(field: "expected_version", message: Messages.stale(record, expected: expected))]
        p.record = record
        return p
    }
}
