import Foundation

/// Finishing a decision: updates with their collisions, creates, archived matches (decisions 4–6).
extension Planner {
    // MARK: - Outcomes

    /// Decision 4 tail: uniqueness of changed identifiers, archived collisions, unchanged vs update.
    func finishUpdate(
        _ request: UpsertRequest, type: ObjectType, old: Record, new proposed: Record, decision: Decision
    ) throws -> Plan {
        var new = proposed
        if type.nameField.required, !type.nameField.autonumber, new.name == nil {
            return .invalid([FieldError(field: "name", message: Messages.nameRequired(type.key))])
        }
        let changes = type.keyChanges(from: old, to: new)
        let added = changes.added
        var plan = Plan(decision: decision, action: Self.action(for: decision))
        var discards: [String: (original: Record, moved: Record)] = [:]
        // Most updates add no key: nothing to check, and no set of excluded ids to build.
        if !added.isEmpty,
            let refusal = try collisions(
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
        let write = RecordWrite(
            op: decision == .update ? .update : .unarchive, before: old, after: new, keyChanges: changes)
        plan.writes = discards.isEmpty ? [write] : discardWrites(discards) + [write]
        return plan
    }

    /// Checks identifier keys a new state adds: an active holder is a uniqueness error; an archived one is
    /// a conflict unless `on_archived_conflict: overwrite`, which moves its value aside.
    func collisions(
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
                        FieldError(field: key.identifier, message: Messages.notUnique(key, holder: holder.id)))
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
            FieldError(field: key.identifier, message: Messages.heldByArchived(key, holder: holder.id))
        }
        p.candidates = archivedHolders.map(\.1)
        return p
    }

    /// Moves an archived record's identifier value aside: `<value>_discarded_<unix seconds>`.
    func discard(_ key: IdentifierKey, in record: Record, type: ObjectType) -> (Record, SideEffect?) {
        type.movingAside(key, in: record, suffix: "_discarded_\(Int(now.timeIntervalSince1970))")
    }

    func discardWrites(_ discards: [String: (original: Record, moved: Record)]) -> [RecordWrite] {
        discards.keys.sorted().compactMap { id in
            guard let (original, moved) = discards[id] else { return nil }
            var after = moved
            after.version = original.version + 1
            after.updatedAt = now
            return RecordWrite(op: .discard, before: original, after: after)
        }
    }

    /// Decision 6 (and 5's overwrite): a new record from the request.
    func planCreate(
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
            errors.append(FieldError(field: "name", message: Messages.nameRequired(type.key)))
        }
        if let data = r.data.objectValue {
            for f in type.fields where f.required && (data[f.key] == nil || data[f.key]!.isNull) {
                errors.append(
                    FieldError(field: "data.\(f.key)", message: Messages.fieldRequired(f.key, type: type.key)))
            }
        }
        if !errors.isEmpty { return .invalid(errors) }

        var plan = Plan(decision: decision, action: .created)
        var discards: [String: (original: Record, moved: Record)] = [:]
        let req = request
        // The new record's keys, worked out once: checked here, written by the store.
        let changes = type.keyChanges(from: nil, to: r)
        if let target {
            // overwrite: the archived match's colliding values are moved aside before creating.
            let targetKeys = Set(type.keys(of: target))
            for key in changes.keys where targetKeys.contains(key) {
                let (moved, effect) = discard(key, in: discards[target.id]?.moved ?? target, type: type)
                discards[target.id] = (target, moved)
                if let effect { plan.sideEffects.append(effect) }
            }
        }
        let excluded: Set<String> = target.map { [$0.id] } ?? []
        if let refusal = try collisions(
            changes.keys, type: type, excluding: excluded, request: req, plan: &plan, discards: &discards)
        {
            return refusal
        }
        plan.record = r
        plan.writes =
            discardWrites(discards) + [
                RecordWrite(op: .create, before: nil, after: r, consumesAutonumber: numbered, keyChanges: changes)
            ]
        return plan
    }

    /// Decision 5: one archived match, by `on_archived_match`; the plan lists what each other mode does.
    func planArchived(_ request: UpsertRequest, type: ObjectType, target: Record, resolved: ResolvedLookup?)
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
            p.errors = [FieldError(field: "on_archived_match", message: Messages.archivedMatch(target.id))]
            return p
        }
        var p = chosen
        p.alternatives = alternatives.filter { $0.mode != request.onArchivedMatch }
        return p
    }
}
