import Foundation

/// The record states a plan proposes: an update applied, gaps filled, and the diff between two states.
extension Planner {
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
