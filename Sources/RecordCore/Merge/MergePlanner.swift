import Foundation

/// What a merge needs: the records, the hand-made choices, and the records that point at the losers.
public struct MergeInput: Sendable {
    public var type: ObjectType
    public var survivor: Record
    public var losers: [Record]
    /// Field (`name`, `email`, `data.email`, `$.email`) → the record whose value to take.
    public var take: [String: String]
    /// Records whose `parent_id` is a loser (any type).
    public var children: [Record]
    /// Records associated with a loser (any type).
    public var referrers: [Record]
    /// The survivorship rules: each field's rule (the master rules are applied by `MergePlanner.rank`).
    public var rules: MergeRuleSet
    /// Record id → field → when its current value was set (from the revisions); else its `updatedAt`.
    public var fieldTimes: [String: [String: Date]]
    /// Why the survivor survives, when the master rules chose it.
    public var survivorReason: String?
    public init(
        type: ObjectType, survivor: Record, losers: [Record], take: [String: String] = [:], children: [Record] = [],
        referrers: [Record] = [], rules: MergeRuleSet = .standard, fieldTimes: [String: [String: Date]] = [:],
        survivorReason: String? = nil
    ) {
        self.type = type; self.survivor = survivor; self.losers = losers; self.take = take
        self.children = children; self.referrers = referrers; self.rules = rules; self.fieldTimes = fieldTimes
        self.survivorReason = survivorReason
    }
}

/// Plans merges (issue 6). Pure: the store fetches the records and applies the writes in one transaction.
///
/// Each field follows its rule in the input's rule set (DESIGN §10); the default, `survivor`, keeps the
/// survivor's value, fills a gap from the first loser that has one, unions arrays (compared after
/// normalisation) and merges objects key by key the same way. Losers are archived with `merged_into`, their identifier values moved aside
/// (`<value>_merged_<unix seconds>`) so the survivor may hold them; children and associations that
/// pointed at a loser point at the survivor.
public enum MergePlanner {
    public static let maxAssociations = 10

    /// The canonical name of a field as `--take` may spell it: `name`, `external_id`, `parent_id`, or
    /// `data.<key>` (also written `<key>` or `$.<key>`).
    public static func fieldName(_ text: String) -> String {
        let t = text.trimmed
        if ["name", "external_id", "parent_id"].contains(t) || t.hasPrefix("data.") { return t }
        if t.hasPrefix("$.") { return "data." + t.dropFirst(2) }
        return "data." + t
    }

    public static func plan(_ input: MergeInput, now: Date) -> MergePlan {
        let type = input.type, survivor = input.survivor, losers = input.losers
        let records = [survivor] + losers
        let ids = records.map(\.id)
        let loserIDs = Set(losers.map(\.id))
        var errors: [String] = [], warnings: [String] = []

        if losers.isEmpty { errors.append("name at least one record to merge into the survivor") }
        if loserIDs.contains(survivor.id) { errors.append("\(survivor.id) cannot be both the survivor and a loser") }
        if loserIDs.count != losers.count { errors.append("a loser is named twice") }
        for r in records {
            if r.type != type.key { errors.append("\(r.id) is a \(r.type) record, not \(type.key)") }
            if r.archived {
                errors.append(
                    "\(r.id) is archived\(r.mergedInto.map { " (merged into \($0))" } ?? ""); restore it before merging"
                )
            }
        }

        var take: [String: String] = [:]
        for (field, recordID) in input.take {
            take[fieldName(field)] = recordID
            if !ids.contains(recordID) {
                errors.append("--take \(field)=\(recordID): \(recordID) is not one of the merged records")
            }
        }

        // Fields: the record's own columns, then every data key any record has, sorted.
        var dataKeys = Set<String>()
        for r in records { dataKeys.formUnion(r.data.objectValue?.keys ?? []) }
        let fieldNames = ["name", "external_id", "parent_id"] + dataKeys.sorted().map { "data." + $0 }
        for field in take.keys where !fieldNames.contains(field) {
            errors.append(
                "no merged record has the field \"\(field)\"; fields are \(fieldNames.joined(separator: ", "))")
        }

        func value(_ r: Record, _ field: String) -> JSONValue? {
            switch field {
            case "name": return r.name.map(JSONValue.string)
            case "external_id": return r.externalID.map(JSONValue.string)
            case "parent_id": return r.parentID.map(JSONValue.string)
            default: return r.data.objectValue?[String(field.dropFirst(5))]
            }
        }
        var fields: [MergeField] = []
        for field in fieldNames {
            let values = records.map { value($0, field) }
            let times = records.map { input.fieldTimes[$0.id]?[field] ?? $0.updatedAt }
            fields.append(
                mergeField(
                    field, values: values, records: records, times: times, rule: input.rules.rule(for: field, in: type),
                    taken: take[field], normalize: normalization(of: field, in: type)))
        }

        // The merged record.
        var result = survivor
        var data: JSONObject = [:]
        for f in fields {
            switch f.field {
            case "name": result.name = f.result?.stringValue
            case "external_id": result.externalID = f.result?.stringValue
            case "parent_id": result.parentID = f.result?.stringValue
            default: if let v = f.result, !v.isNull { data[String(f.field.dropFirst(5))] = v }
            }
        }
        result.data = .object(data)
        if let p = result.parentID, p == survivor.id || loserIDs.contains(p) {
            warnings.append("parent_id pointed at a merged record (\(p)); the survivor's parent is cleared")
            result.parentID = nil
        }
        var associations: [String] = []
        for target in records.flatMap(\.associations) {
            let mapped = loserIDs.contains(target) ? survivor.id : target
            if mapped != survivor.id, !associations.contains(mapped) { associations.append(mapped) }
        }
        if associations.count > maxAssociations {
            errors.append(
                "the merged record would have \(associations.count) associations; the limit is \(maxAssociations)")
        }
        result.associations = associations
        errors += validate(result, type: type)

        // Losers: identifiers moved aside, archived, merged into the survivor.
        let suffix = "_merged_\(Int(now.timeIntervalSince1970))"
        var movedAside: [SideEffect] = []
        var after: [String: Record] = [:]
        var before: [String: Record] = [:]
        var order: [String] = []
        func stage(_ r: Record, _ change: (inout Record) -> Void) {
            if before[r.id] == nil { before[r.id] = r; order.append(r.id) }
            var x = after[r.id] ?? r
            change(&x)
            after[r.id] = x
        }
        for loser in losers {
            stage(loser) { r in
                // One side effect per identifier, however many values it moves.
                let keys = type.keys(of: r)
                for id in type.identifiers {
                    var first: SideEffect?, last: SideEffect?
                    for key in keys where key.identifier == id.name {
                        let (moved, effect) = type.movingAside(key, in: r, suffix: suffix)
                        r = moved
                        if first == nil { first = effect }
                        last = effect ?? last
                    }
                    if var last, let first { last.before = first.before; movedAside.append(last) }
                }
                r.archived = true; r.archivedAt = now; r.mergedInto = survivor.id
            }
        }
        var children: [String] = [], referrers: [String] = []
        for child in input.children where child.id != survivor.id {
            guard let p = (after[child.id] ?? child).parentID, loserIDs.contains(p) else { continue }
            stage(child) { $0.parentID = survivor.id }
            children.append(child.id)
        }
        for ref in input.referrers where ref.id != survivor.id && !loserIDs.contains(ref.id) {
            let current = after[ref.id] ?? ref
            guard current.associations.contains(where: loserIDs.contains) else { continue }
            var mapped: [String] = []
            for t in current.associations.map({ loserIDs.contains($0) ? survivor.id : $0 }) where !mapped.contains(t) {
                mapped.append(t)
            }
            stage(ref) { $0.associations = mapped }
            referrers.append(ref.id)
        }
        var writes: [RecordWrite] = []
        for id in order {
            guard let b = before[id], var a = after[id], !a.sameContent(as: b) else { continue }
            a.version = b.version + 1
            a.updatedAt = now
            writes.append(RecordWrite(op: .merge, before: b, after: a))
        }
        var survivorAfter = result
        if !result.sameContent(as: survivor) {
            survivorAfter.version = survivor.version + 1
            survivorAfter.updatedAt = now
            writes.append(RecordWrite(op: .merge, before: survivor, after: survivorAfter))
        }
        return MergePlan(
            type: type.key, survivorID: survivor.id, loserIDs: losers.map(\.id), fields: fields,
            rules: input.rules.name, survivorReason: input.survivorReason ?? "chosen by hand", survivor: survivor,
            result: survivorAfter, diff: Planner.diff(survivor, result), writes: errors.isEmpty ? writes : [],
            repointedChildren: children, repointedAssociations: referrers, movedAside: movedAside,
            errors: errors, warnings: warnings)
    }

    /// How array elements of a field are compared: the identifier's normalisation when one reads the
    /// field, else by the field's type (email, phone), else strings ignoring case.
    static func normalization(of field: String, in type: ObjectType) -> Normalization {
        guard field.hasPrefix("data.") else { return .exact }
        let key = String(field.dropFirst(5))
        let path = JSONPath(segments: [.key(key)])
        if let id = type.identifiers.first(where: { $0.source == .data(path) }) { return id.normalize }
        switch type.field(key)?.type {
        case .email?: return .email
        case .phone?: return .phone
        default: return .casefold
        }
    }

    /// `target` with keys it lacks (or holds as empty) taken from `source`, recursively into objects.
    static func fillGaps(_ target: JSONValue, from source: JSONValue) -> JSONValue {
        guard case .object(var t) = target, case .object(let s) = source else { return target }
        for (k, v) in s {
            if isGap(t[k]) {
                if !isGap(v) { t[k] = v }
            } else if let tv = t[k], tv.objectValue != nil, v.objectValue != nil {
                t[k] = fillGaps(tv, from: v)
            }
        }
        return .object(t)
    }

    /// Field-level checks of the merged record: declared types, required fields, a required name.
    static func validate(_ r: Record, type: ObjectType) -> [String] {
        var errors = Validator.checkTypes(r.data.objectValue ?? [:], in: type).map(\.description)
        if type.nameField.required, r.name == nil { errors.append("name: the merged record needs a name") }
        for f in type.fields where f.required && (r.data.objectValue?[f.key] ?? .null).isNull {
            errors.append("data.\(f.key): the merged record needs \(f.key)")
        }
        return errors
    }
}
