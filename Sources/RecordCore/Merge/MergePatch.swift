/// JSON Merge Patch (RFC 7386) with recdeck's multi-valued identifier union rule (DESIGN §3).
public enum MergePatch {
    /// Applies `patch` to `target`: objects merge recursively, `null` removes a key, other values replace.
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        // Onto nothing, a patch with no null to remove is its own result (every create): no rebuilt objects.
        if target.objectValue?.isEmpty ?? true, !hasNullMember(p) { return patch }
        // Both objects are sorted by key: merged in one pass, no key looked up.
        return .object(
            (target.objectValue ?? [:]).overlaid(with: p) { old, new in
                switch new {
                case .null: return nil
                case .object: return apply(new, to: old ?? .null)
                default: return new
                }
            })
    }

    /// True when an object, or an object nested in it (not in an array), has a null member.
    static func hasNullMember(_ object: JSONObject) -> Bool {
        object.values.contains { v in
            if case .object(let o) = v { return hasNullMember(o) }
            return v.isNull
        }
    }

    /// The union of two multi-valued identifier arrays: existing order, then new values whose normalised
    /// form is not already present.
    public static func union(_ existing: [JSONValue], _ incoming: [JSONValue], normalize: Normalization) -> [JSONValue]
    {
        var seen = Set(existing.compactMap { normalize.apply($0) ?? $0.jsonText })
        var out = existing
        for v in incoming {
            let key = normalize.apply(v) ?? v.jsonText
            if seen.insert(key).inserted { out.append(v) }
        }
        return out
    }

    /// Leaf-level differences between two values, as JSONPath-addressed entries.
    public static func diff(_ before: JSONValue?, _ after: JSONValue?, at path: JSONPath) -> [DiffEntry] {
        switch (before, after) {
        case (nil, nil): return []
        case (nil, let a?): return [DiffEntry(path: path.description, op: .add, before: nil, after: a)]
        case (let b?, nil): return [DiffEntry(path: path.description, op: .remove, before: b, after: nil)]
        case let (.object(b)?, .object(a)?):
            return Set(b.keys).union(a.keys).sorted().flatMap { diff(b[$0], a[$0], at: path.appending(.key($0))) }
        case let (b?, a?):
            return b == a ? [] : [DiffEntry(path: path.description, op: .replace, before: b, after: a)]
        }
    }
}
