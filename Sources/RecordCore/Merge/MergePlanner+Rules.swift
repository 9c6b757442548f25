import Foundation

extension MergePlanner {
    /// A blank value: missing, null, an empty or all-space string, an empty array or object.
    static func isGap(_ v: JSONValue?) -> Bool {
        switch v {
        case nil, .null?: return true
        case .string(let s)?: return s.trimmed.isEmpty
        case .array(let a)?: return a.isEmpty
        case .object(let o)?: return o.isEmpty
        default: return false
        }
    }

    /// Non-blank top-level values of a record: its name, external id, parent and data keys.
    public static func filledFields(_ r: Record) -> Int {
        var n = [r.name, r.externalID, r.parentID].filter { !isGap($0.map(JSONValue.string)) }.count
        for v in (r.data.objectValue ?? [:]).values where !isGap(v) { n += 1 }
        return n
    }

    /// Records ranked by the master rules (each tie to the next rule, then to the oldest, then to the
    /// given order), and why the first one survives.
    public static func rank(_ records: [Record], rules: MergeRuleSet, childCounts: [String: Int] = [:]) -> (
        records: [Record], reason: String
    ) {
        guard records.count > 1 else { return (records, "the only record") }
        let filled = Dictionary(records.map { ($0.id, filledFields($0)) }, uniquingKeysWith: { a, _ in a })
        func key(_ rule: MasterRule, _ r: Record) -> Double {
            switch rule {
            case .oldest: return -r.createdAt.timeIntervalSince1970
            case .newest: return r.createdAt.timeIntervalSince1970
            case .mostRecentlyUpdated: return r.updatedAt.timeIntervalSince1970
            case .mostComplete: return Double(filled[r.id] ?? 0)
            case .mostChildren: return Double(childCounts[r.id] ?? 0)
            case .prefer(let path, let value): return path.value(in: r.data) == value ? 1 : 0
            }
        }
        let chain = rules.master + [.oldest]
        let order = records.indices.sorted { a, b in
            for rule in chain {
                let x = key(rule, records[a]), y = key(rule, records[b])
                if x != y { return x > y }
            }
            return a < b
        }
        let ranked = order.map { records[$0] }
        let first = ranked[0], second = ranked[1]
        func day(_ d: Date) -> String { String(Timestamp.format(d).prefix(10)) }
        for rule in chain where key(rule, first) != key(rule, second) {
            switch rule {
            case .oldest: return (ranked, "oldest: created \(day(first.createdAt)), next \(day(second.createdAt))")
            case .newest: return (ranked, "newest: created \(day(first.createdAt)), next \(day(second.createdAt))")
            case .mostRecentlyUpdated:
                return (ranked, "most recently updated: \(day(first.updatedAt)), next \(day(second.updatedAt))")
            case .mostComplete:
                return (ranked, "most complete: \(filled[first.id] ?? 0) fields filled, next \(filled[second.id] ?? 0)")
            case .mostChildren:
                return (ranked, "most children: \(childCounts[first.id] ?? 0), next \(childCounts[second.id] ?? 0)")
            case .prefer(let path, let value): return (ranked, "preferred: \(path) = \(value.jsonText)")
            }
        }
        return (ranked, "first inserted (every rule ties)")
    }

    /// One field of the merge under its rule (or a hand-made pick). `records` and `values` are in rank
    /// order, survivor first; `times` says when each record's value was set.
    static func mergeField(
        _ field: String, values: [JSONValue?], records: [Record], times: [Date], rule: FieldRule, taken: String?,
        normalize: Normalization
    ) -> MergeField {
        let ids = records.map(\.id)
        let present = values.indices.filter { !isGap(values[$0]) }
        var distinct: [JSONValue] = []
        for i in present where !distinct.contains(values[i]!) { distinct.append(values[i]!) }
        let conflicting = distinct.count > 1
        func day(_ i: Int) -> String { String(Timestamp.format(times[i]).prefix(10)) }
        func made(_ result: JSONValue?, _ choice: MergeChoice, _ rule: FieldRule?, at: Date?, _ why: String)
            -> MergeField
        {
            MergeField(
                field: field, values: values, result: result, choice: choice, conflicting: conflicting, rule: rule,
                at: at, explanation: why)
        }
        func picked(_ i: Int, _ why: String) -> MergeField {
            made(values[i], .picked(from: ids[i]), rule, at: times[i], "\(why): \(ids[i]) \(day(i))")
        }
        if let taken, let i = ids.firstIndex(of: taken) {
            return made(values[i], .taken(from: taken), nil, at: times[i], "by hand: \(taken) \(day(i))")
        }
        guard let first = present.first else { return made(values[0], .blank, rule, at: nil, "no record has a value") }
        if distinct.count == 1 {
            if present.count == 1 && first != 0 { return picked(first, "only one record has it") }
            let n = present.count
            return made(
                values[first], n == 1 ? .picked(from: ids[first]) : .same, rule, at: times[first],
                n == 1 ? "only the survivor has it" : "same in \(n) records")
        }
        func union() -> MergeField {
            var out: [JSONValue] = []
            for i in present {
                out = MergePatch.union(out, values[i]!.arrayValue ?? [values[i]!], normalize: normalize)
            }
            return made(.array(out), .union, rule, at: nil, "\(rule.phrase): union of \(present.count) records")
        }
        func survivorValue(_ why: String) -> MergeField {
            if present.contains(where: { values[$0]!.arrayValue != nil }) { return union() }
            if present.allSatisfy({ values[$0]!.objectValue != nil }) {
                let merged = present.dropFirst().reduce(values[first]!) { fillGaps($0, from: values[$1]!) }
                if first == 0 && merged == values[0] { return picked(0, why) }
                return made(merged, .combined, rule, at: nil, "\(why): keys combined from \(present.count) records")
            }
            return picked(first, first == 0 ? why : "\(why) blank, filled from")
        }
        func best(_ better: (Int, Int) -> Bool) -> Int {
            present.dropFirst().reduce(first) { better($1, $0) ? $1 : $0 }
        }
        switch rule {
        case .survivor: return survivorValue("survivor")
        case .neverBlank:
            return picked(first, first == 0 ? "never blank, survivor's" : "never blank: survivor blank, from")
        case .mostRecent: return picked(best { times[$0] > times[$1] }, "most recent")
        case .oldest: return picked(best { times[$0] < times[$1] }, "oldest value")
        case .longest:
            return picked(best { values[$0]!.plainText.count > values[$1]!.plainText.count }, "longest")
        case .mostCommon:
            func key(_ v: JSONValue) -> String { v.stringValue.flatMap { normalize.apply($0) } ?? v.jsonText }
            var counts: [String: Int] = [:]
            for i in present { counts[key(values[i]!), default: 0] += 1 }
            let i = best { counts[key(values[$0]!)]! > counts[key(values[$1]!)]! }
            return picked(i, "most common (\(counts[key(values[i]!)]!) of \(present.count))")
        case .union: return union()
        case .from(let path, let value):
            if let i = present.first(where: { path.value(in: records[$0].data) == value }) {
                return picked(i, "from \(path) = \(value.jsonText)")
            }
            return survivorValue("no record has \(path) = \(value.jsonText); survivor")
        }
    }
}
