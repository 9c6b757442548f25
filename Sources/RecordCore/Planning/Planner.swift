import Foundation

/// Decides what an upsert does (DESIGN §3, decisions 1–6). Pure: the same request, type, state,
/// clock and id generator give the same plan.
public struct Planner {
    public let lookup: any RecordLookup
    public let now: Date
    public var makeID: () -> String

    public init(lookup: any RecordLookup, now: Date, makeID: @escaping () -> String) {
        self.lookup = MemoisedLookup(lookup); self.now = now; self.makeID = makeID
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

    /// Plans `request` against `type` (nil when the type does not exist).
    public func plan(_ request: UpsertRequest, type: ObjectType?) throws -> Plan {
        // 1. Unknown type, malformed request, limits.
        guard let type else {
            var p = Plan(decision: .not_found)
            p.errors = [FieldError(field: "type", message: "unknown object type \"\(request.type)\"")]
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
        if !errors.isEmpty { return withWarnings(.invalid(errors), warnings) }
        var plan = try decide(request, type: type, resolved: resolved, warnings: &warnings)
        if case .recordID(let id) = request.lookup {
            plan.lookup = MatchVia(identifier: nil, path: "id", value: .string(id), normalized: nil)
        } else {
            plan.lookup = resolved?.via
        }
        return withWarnings(plan, warnings)
    }

    /// Decisions 2–6 for a request that passed the static checks.
    private func decide(_ request: UpsertRequest, type: ObjectType, resolved: ResolvedLookup?, warnings: inout [String])
        throws -> Plan
    {
        // 2. Idempotency.
        if let key = request.idempotencyKey, let entry = try lookup.idempotencyEntry(key: key) {
            guard entry.type == type.key, entry.fingerprint == request.fingerprint else {
                return .invalid(
                    [
                        FieldError(
                            field: "idempotency_key",
                            message: "idempotency key \"\(key)\" was already used with a different payload")
                    ], status: 409)
            }
            var p = Plan(decision: entry.decision, action: Self.action(for: entry.decision))
            p.record = try entry.recordID.flatMap { try lookup.record(id: $0) }
            p.replayed = true
            p.warnings = ["replayed the first result of idempotency key \"\(key)\""]
            return p
        }

        // 2. Matching.
        var matches: [(record: Record, via: MatchVia)] = []
        if case .recordID(let id) = request.lookup {
            guard let r = try lookup.record(id: id), r.type == type.key else {
                return .invalid([
                    FieldError(
                        field: "lookup.id",
                        message: "no \(type.key) record has id \"\(id)\"; a record id cannot be chosen on create")
                ])
            }
            matches = [(r, MatchVia(identifier: nil, path: "id", value: .string(id), normalized: id))]
        } else if let resolved {
            if let id = resolved.identifier {
                let keys = id.keys(of: resolved.value)
                if keys.isEmpty {
                    return .invalid([
                        FieldError(
                            field: "lookup.value",
                            message:
                                "lookup value \(resolved.value.jsonText) has nothing to match after \(id.normalize.rawValue) normalisation"
                        )
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
                let how = resolved.normalize.map { " with \($0.rawValue) matching" } ?? ""
                warnings.append(
                    "unindexed lookup: \(resolved.source)\(how) is not an identifier of \(type.key), so every record was scanned"
                )
                let reader = Identifier(name: "", source: resolved.source, normalize: resolved.normalize ?? .exact)
                let wanted = Set(reader.keys(of: resolved.value))
                if resolved.normalize != nil, wanted.isEmpty {
                    return .invalid([
                        FieldError(
                            field: "lookup.value",
                            message:
                                "lookup value \(resolved.value.jsonText) has nothing to match after \(reader.normalize.rawValue) normalisation"
                        )
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
        let active = matches.enumerated().filter { !$0.element.record.archived }
            .sorted { ($0.element.record.createdAt, $0.offset) < ($1.element.record.createdAt, $1.offset) }.map(
                \.element)
        let archived = matches.filter { $0.record.archived }

        var plan: Plan
        // 3–4. Active matches.
        if active.count > 1 && request.onMultipleMatches == .error {
            plan = Plan(decision: .ambiguous)
            plan.candidates = active.map(\.record)
            plan.errors = [
                FieldError(
                    field: "lookup",
                    message: "\(active.count) active records match: \(active.map(\.record.id).joined(separator: ", "))")
            ]
        } else if let first = active.first {
            if active.count > 1 {
                warnings.append(
                    "multiple active records matched (\(active.map(\.record.id).joined(separator: ", "))); on_multiple_matches first chose the oldest, \(first.record.id)"
                )
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
                FieldError(
                    field: "lookup",
                    message:
                        "\(archived.count) archived records match: \(archived.map(\.record.id).joined(separator: ", "))"
                )
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
                FieldError(
                    field: "expected_version",
                    message: "no record matched, so expected_version \(request.expectedVersion!) cannot hold")
            ]
        } else if request.onNoMatch == .skip {
            // 6. No match.
            plan = Plan(decision: .skip)
            plan.warnings = ["no record matched and on_no_match is skip: nothing written"]
        } else {
            plan = try planCreate(request, type: type, resolved: resolved, decision: .create, discarding: nil)
        }
        return plan
    }

    private func withWarnings(_ plan: Plan, _ warnings: [String]) -> Plan {
        var p = plan
        p.warnings = warnings + p.warnings
        return p
    }

    static func action(for decision: Decision) -> Action? {
        switch decision {
        case .create, .overwrite: return .created
        case .update: return .updated
        case .unarchive, .unarchive_update: return .unarchived
        default: return nil
        }
    }

    private func staleCheck(_ request: UpsertRequest, _ record: Record) -> Plan? {
        guard let expected = request.expectedVersion, expected != record.version else { return nil }
        var p = Plan(decision: .stale)
        p.errors = [
            FieldError(
                field: "expected_version",
                message:
                    "record \(record.id) is at version \(record.version), not the expected \(expected): it changed meanwhile"
            )
        ]
        p.record = record
        return p
    }

    // MARK: - Request checks

    /// Errors that do not depend on the matched record; applies the unknown-fields policy to the payload.
    private func staticErrors(_ request: inout UpsertRequest, type: ObjectType, warnings: inout [String]) throws
        -> [FieldError]
    {
        var errors: [FieldError] = []
        if let name = request.name.value, name.count > Limits.maxNameLength {
            errors.append(
                FieldError(
                    field: "name",
                    message: "name is \(name.count) characters long; the limit is \(Limits.maxNameLength)"))
        }
        if type.nameField.autonumber, request.name.value != nil {
            errors.append(
                FieldError(
                    field: "name",
                    message: "\(type.key) names are autonumbered (\(type.nameField.prefix)N) and cannot be set"))
        }
        if var data = request.data?.objectValue {
            if Limits.exceedsBodySize(.object(data)) {
                errors.append(FieldError(field: "data", message: "data is over the 1 MiB limit"))
            }
            if data.count > Limits.maxAttributes {
                errors.append(
                    FieldError(
                        field: "data",
                        message: "data has \(data.count) attributes; the limit is \(Limits.maxAttributes)"))
            }
            if !type.isSchemaless {
                for key in data.keys.sorted() where type.field(key) == nil {
                    switch type.unknownFields {
                    case .keep: break
                    case .ignore:
                        data[key] = nil
                        warnings.append("unknown attribute \"\(key)\" ignored")
                    case .reject:
                        errors.append(
                            FieldError(
                                field: "data.\(key)",
                                message:
                                    "unknown attribute \"\(key)\": \(type.key) rejects attributes it does not declare"))
                    }
                }
                request.data = .object(data)
            }
            errors += Validator.checkTypes(data, in: type)
        }
        if let assoc = request.associations {
            if assoc.count > Limits.maxAssociations {
                errors.append(
                    FieldError(
                        field: "associations",
                        message: "\(assoc.count) associations; the limit is \(Limits.maxAssociations)"))
            } else {
                var ids: [String] = []
                for target in assoc {
                    let found: Record?
                    switch target {
                    case .id(let id): found = try lookup.record(id: id)
                    case .externalID(let t, let v):
                        found = try lookup.records(type: t, identifier: "external_id", value: v).first
                    }
                    if let found {
                        ids.append(found.id)
                    } else {
                        errors.append(
                            FieldError(field: "associations", message: "association target \(target) does not exist"))
                    }
                }
                request.associations = ids.map(AssociationTarget.id)
            }
        }
        if let parent = request.parentID.value, try lookup.record(id: parent) == nil {
            errors.append(FieldError(field: "parent_id", message: "parent record \"\(parent)\" does not exist"))
        }
        return errors
    }

    /// Decision 2: which identifier or path, and which value, the lookup uses (nil: no lookup, create).
    func resolve(_ request: UpsertRequest, type: ObjectType) throws(RequestError) -> ResolvedLookup? {
        let data = request.data ?? .object([:])
        /// The lookup at `source`: probes `identifier` when given, else scans comparing by `normalize`.
        func at(
            _ source: IdentifierSource, identifier: Identifier?, normalize: Normalization?, explicit value: JSONValue?
        ) -> ResolvedLookup? {
            if let value {
                return ResolvedLookup(
                    identifier: identifier, source: source, normalize: normalize, value: value, explicit: true)
            }
            let reader = Identifier(name: "", source: source, normalize: .exact)
            guard let v = reader.rawValue(name: request.name.value, externalID: request.externalID.value, data: data),
                !v.isEmptyValue
            else { return nil }
            return ResolvedLookup(
                identifier: identifier, source: source, normalize: normalize, value: v, explicit: false)
        }
        switch request.lookup {
        case .none, .recordID:
            return nil
        case .identifier(let name, let value):
            guard let id = type.identifier(named: name) else {
                let known = type.identifiers.map(\.name).joined(separator: ", ")
                throw RequestError(
                    field: "lookup.identifier", "\(type.key) has no identifier \"\(name)\" (identifiers: \(known))")
            }
            return at(id.source, identifier: id, normalize: id.normalize, explicit: value)
        case .path(let path, let value):
            let id = type.identifier(forPath: path)
            return at(.data(path), identifier: id, normalize: id?.normalize, explicit: value)
        case .paths(let paths):
            for path in paths {
                let id = type.identifier(forPath: path)
                if let found = at(.data(path), identifier: id, normalize: id?.normalize, explicit: nil) { return found }
            }
            return nil
        case .source(let source, let value, let normalize):
            guard !value.isEmptyValue else { throw RequestError(field: "lookup.value", "lookup value is empty") }
            let id = type.identifiers.first { $0.source == source && $0.normalize.comparesLike(normalize) }
            return at(source, identifier: id, normalize: normalize, explicit: value)
        }
    }

    // MARK: - Building states

    /// The record after applying the request as an update: merge patch (or replace) on data, the
    /// multi-valued lookup identifier unioned, given fields set or cleared.
    func applyRequest(_ request: UpsertRequest, to old: Record, type: ObjectType, lookupIdentifier: Identifier?)
        -> Record
    {
        var r = old
        if let patch = request.data {
            switch request.merge {
            case .replace: r.data = MergePatch.apply(patch, to: .object([:]))
            case .patch:
                r.data = MergePatch.apply(patch, to: old.data)
                if let id = lookupIdentifier, case .data(let path) = id.source,
                    case .array(let existing)? = path.value(in: old.data), let incoming = path.value(in: patch),
                    !incoming.isNull
                {
                    let items = incoming.arrayValue ?? [incoming]
                    r.data = path.setting(
                        .array(MergePatch.union(existing, items, normalize: id.normalize)), in: r.data)
                }
            }
        }
        switch request.name {
        case .absent: break;
        case .clear: r.name = nil;
        case .set(let v): r.name = v
        }
        switch request.externalID {
        case .absent: break;
        case .clear: r.externalID = nil;
        case .set(let v): r.externalID = v
        }
        switch request.parentID {
        case .absent: break;
        case .clear: r.parentID = nil;
        case .set(let v): r.parentID = v
        }
        if let a = request.associations { r.associations = a.compactMap(\.recordID) }
        return r
    }

    /// The `unarchive` state: the archived record's values kept, only absent or null keys filled.
    func fillMissing(_ request: UpsertRequest, into old: Record) -> Record {
        var r = old
        if case .object(var data) = old.data, let patch = request.data?.objectValue {
            for (k, v) in patch where !v.isNull && (data[k] == nil || data[k]!.isNull) { data[k] = v }
            r.data = .object(data)
        }
        if r.name == nil, let n = request.name.value { r.name = n }
        if r.externalID == nil, let e = request.externalID.value { r.externalID = e }
        return r
    }

    // MARK: - Outcomes

    /// Decision 4 tail: uniqueness of changed identifiers, archived collisions, unchanged vs update.
    private func finishUpdate(
        _ request: UpsertRequest, type: ObjectType, old: Record, new proposed: Record, decision: Decision
    ) throws -> Plan {
        var new = proposed
        if type.nameField.required, !type.nameField.autonumber, new.name == nil {
            return .invalid([FieldError(field: "name", message: "name is required for \(type.key)")])
        }
        let oldKeys = Set(type.keys(of: old))
        let added = type.keys(of: new).filter { !oldKeys.contains($0) }
        var plan = Plan(decision: decision, action: Self.action(for: decision))
        var discards: [String: (original: Record, moved: Record)] = [:]
        if let refusal = try collisions(
            added, type: type, excluding: [old.id], request: request, plan: &plan, discards: &discards)
        {
            return refusal
        }
        if decision == .update, new.sameContent(as: old) {
            var p = Plan(decision: .unchanged)
            p.record = old
            return p
        }
        new.version = old.version + 1
        new.updatedAt = now
        if new.archived == false, old.archived { new.archivedAt = nil }
        plan.record = new
        plan.writes =
            discardWrites(discards) + [
                RecordWrite(op: decision == .update ? .update : .unarchive, before: old, after: new)
            ]
        return plan
    }

    /// Checks identifier keys a new state adds: an active holder is a uniqueness error; an archived one is
    /// a conflict unless `on_archived_conflict: overwrite`, which moves its value aside.
    private func collisions(
        _ keys: [IdentifierKey], type: ObjectType, excluding: Set<String>, request: UpsertRequest,
        plan: inout Plan, discards: inout [String: (original: Record, moved: Record)]
    ) throws -> Plan? {
        var errors: [FieldError] = []
        var archivedHolders: [(IdentifierKey, Record)] = []
        for key in keys {
            for holder in try lookup.records(type: type.key, identifier: key.identifier, value: key.value)
            where !excluding.contains(holder.id) {
                if holder.archived {
                    archivedHolders.append((key, holder))
                } else {
                    errors.append(
                        FieldError(
                            field: key.identifier,
                            message:
                                "\(key.identifier) \"\(key.value)\" is not unique: active record \(holder.id) already holds it"
                        ))
                }
            }
        }
        if !errors.isEmpty { return .invalid(errors) }
        if archivedHolders.isEmpty { return nil }
        if request.onArchivedConflict == .overwrite {
            for (key, holder) in archivedHolders {
                let current = discards[holder.id]?.moved ?? holder
                let (moved, effect) = discard(key, in: current, type: type)
                discards[holder.id] = (discards[holder.id]?.original ?? holder, moved)
                if let effect { plan.sideEffects.append(effect) }
            }
            return nil
        }
        var p = Plan(decision: .conflict)
        p.errors = archivedHolders.map { key, holder in
            FieldError(
                field: key.identifier,
                message:
                    "\(key.identifier) \"\(key.value)\" belongs to archived record \(holder.id); set on_archived_conflict to overwrite to take it"
            )
        }
        p.candidates = archivedHolders.map(\.1)
        return p
    }

    /// Moves an archived record's identifier value aside: `<value>_discarded_<unix seconds>`.
    private func discard(_ key: IdentifierKey, in record: Record, type: ObjectType) -> (Record, SideEffect?) {
        type.movingAside(key, in: record, suffix: "_discarded_\(Int(now.timeIntervalSince1970))")
    }

    private func discardWrites(_ discards: [String: (original: Record, moved: Record)]) -> [RecordWrite] {
        discards.keys.sorted().compactMap { id in
            guard let (original, moved) = discards[id] else { return nil }
            var after = moved
            after.version = original.version + 1
            after.updatedAt = now
            return RecordWrite(op: .discard, before: original, after: after)
        }
    }

    /// Decision 6 (and 5's overwrite): a new record from the request.
    private func planCreate(
        _ request: UpsertRequest, type: ObjectType, resolved: ResolvedLookup?, decision: Decision,
        discarding target: Record?
    ) throws -> Plan {
        var r = Record(id: makeID(), type: type.key, createdAt: now)
        r.data = MergePatch.apply(request.data ?? .object([:]), to: .object([:]))
        r.name = request.name.value
        r.externalID = request.externalID.value
        r.parentID = request.parentID.value
        r.associations = request.associations?.compactMap(\.recordID) ?? []
        var numbered = false
        if type.nameField.autonumber {
            r.name = type.nameField.prefix + String(try lookup.nextAutonumber(type: type.key))
            numbered = true
        }
        if let resolved, resolved.explicit {
            switch resolved.source {
            case .name: if r.name == nil { r.name = resolved.value.stringValue }
            case .externalID: if r.externalID == nil { r.externalID = resolved.value.stringValue }
            case .data(let p): if p.value(in: r.data) == nil { r.data = p.setting(resolved.value, in: r.data) }
            }
        }
        var errors: [FieldError] = []
        if type.nameField.required, r.name == nil {
            errors.append(FieldError(field: "name", message: "name is required for \(type.key)"))
        }
        if let data = r.data.objectValue {
            for f in type.fields where f.required && (data[f.key] == nil || data[f.key]!.isNull) {
                errors.append(
                    FieldError(
                        field: "data.\(f.key)", message: "\(f.key) is required when creating a \(type.key) record"))
            }
        }
        if !errors.isEmpty { return .invalid(errors) }

        var plan = Plan(decision: decision, action: .created)
        var discards: [String: (original: Record, moved: Record)] = [:]
        let req = request
        if let target {
            // overwrite: the archived match's colliding values are moved aside before creating.
            let targetKeys = Set(type.keys(of: target))
            for key in type.keys(of: r) where targetKeys.contains(key) {
                let (moved, effect) = discard(key, in: discards[target.id]?.moved ?? target, type: type)
                discards[target.id] = (target, moved)
                if let effect { plan.sideEffects.append(effect) }
            }
        }
        let excluded: Set<String> = target.map { [$0.id] } ?? []
        if let refusal = try collisions(
            type.keys(of: r), type: type, excluding: excluded, request: req, plan: &plan, discards: &discards)
        {
            return refusal
        }
        plan.record = r
        plan.writes =
            discardWrites(discards) + [RecordWrite(op: .create, before: nil, after: r, consumesAutonumber: numbered)]
        return plan
    }

    /// Decision 5: one archived match, by `on_archived_match`; the plan lists what each other mode does.
    private func planArchived(_ request: UpsertRequest, type: ObjectType, target: Record, resolved: ResolvedLookup?)
        throws -> Plan
    {
        func restored(_ r: Record) -> Record { var x = r; x.archived = false; x.archivedAt = nil; return x }
        var outcomes: [(ArchivedMatchMode, Plan)] = []
        for mode in [ArchivedMatchMode.unarchive, .unarchive_update, .overwrite] {
            let p: Plan
            switch mode {
            case .unarchive:
                p = try finishUpdate(
                    request, type: type, old: target, new: restored(fillMissing(request, into: target)),
                    decision: .unarchive)
            case .unarchive_update:
                p = try finishUpdate(
                    request, type: type, old: target,
                    new: restored(
                        applyRequest(request, to: target, type: type, lookupIdentifier: resolved?.identifier)),
                    decision: .unarchive_update)
            case .overwrite, .prompt:
                p = try planCreate(request, type: type, resolved: resolved, decision: .overwrite, discarding: target)
            }
            outcomes.append((mode, p))
        }
        let alternatives = outcomes.map { mode, p in
            (
                mode: mode,
                alternative: Alternative(decision: p.decision, action: p.action, record: p.record, errors: p.errors)
            )
        }
        guard request.onArchivedMatch != .prompt,
            let chosen = outcomes.first(where: { $0.0 == request.onArchivedMatch })?.1
        else {
            var p = Plan(decision: .conflict)
            p.record = nil
            p.alternatives = alternatives
            p.errors = [
                FieldError(
                    field: "on_archived_match",
                    message: "record \(target.id) is archived; choose unarchive, unarchive_update or overwrite")
            ]
            return p
        }
        var p = chosen
        p.alternatives = alternatives.filter { $0.mode != request.onArchivedMatch }
        return p
    }

    /// Leaf differences between two records in the unified shape.
    public static func diff(_ before: Record?, _ after: Record) -> [DiffEntry] {
        func shape(_ r: Record) -> JSONValue {
            [
                "name": r.name.map(JSONValue.string) ?? .null,
                "external_id": r.externalID.map(JSONValue.string) ?? .null,
                "data": r.data, "parent_id": r.parentID.map(JSONValue.string) ?? .null, "archived": .bool(r.archived),
                "associations": .array(r.associations.map(JSONValue.string)),
            ]
        }
        func stripNulls(_ v: JSONValue) -> JSONValue {
            guard case .object(let o) = v else { return v }
            return .object(o.filter { !$0.value.isNull || $0.key == "data" })
        }
        let entries = MergePatch.diff(
            before.map { stripNulls(shape($0)) } ?? ["data": .object([:])], stripNulls(shape(after)), at: .root)
        // A new record's default state (active, no associations) is not news.
        guard before == nil else { return entries }
        return entries.filter {
            !($0.path == "$.archived" && $0.after == false) && !($0.path == "$.associations" && $0.after == [])
        }
    }
}
