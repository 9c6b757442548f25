import Foundation

/// The "subset" comparison of DESIGN §4: every expected key present with a matching value; arrays
/// element-wise with equal length; `"<any>"` any non-null value; `{"$absent": true}` a missing key;
/// `{"$regex": "..."}` a matching string.
public enum SubsetMatch {
    /// The first difference, as "path: reason", or nil when `actual` matches `expected`.
    public static func difference(expected: JSONValue, actual: JSONValue?, at path: String = "$") -> String? {
        if case .string("<any>") = expected {
            return actual == nil || actual!.isNull
                ? "\(path): expected any value, got \(actual?.jsonText ?? "nothing")" : nil
        }
        if case .object(let e) = expected {
            if e.count == 1, e["$absent"] == .bool(true) {
                return actual == nil ? nil : "\(path): expected no value, got \(actual!.jsonText)"
            }
            if e.count == 1, let pattern = e["$regex"]?.stringValue {
                guard let s = actual?.stringValue else {
                    return "\(path): expected a string matching /\(pattern)/, got \(actual?.jsonText ?? "nothing")"
                }
                guard let re = try? NSRegularExpression(pattern: pattern) else {
                    return "\(path): bad regex /\(pattern)/"
                }
                return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil
                    ? "\(path): \"\(s)\" does not match /\(pattern)/" : nil
            }
            guard case .object(let a)? = actual else {
                return "\(path): expected an object, got \(actual?.jsonText ?? "nothing")"
            }
            for k in e.keys.sorted() {
                if let d = difference(expected: e[k]!, actual: a[k], at: "\(path).\(k)") { return d }
            }
            return nil
        }
        if case .array(let e) = expected {
            guard case .array(let a)? = actual else {
                return "\(path): expected an array, got \(actual?.jsonText ?? "nothing")"
            }
            guard a.count == e.count else {
                return "\(path): expected \(e.count) elements, got \(a.count): \(JSONValue.array(a).jsonText)"
            }
            for i in e.indices {
                if let d = difference(expected: e[i], actual: a[i], at: "\(path)[\(i)]") { return d }
            }
            return nil
        }
        guard let actual else { return "\(path): expected \(expected.jsonText), got nothing" }
        return actual == expected ? nil : "\(path): expected \(expected.jsonText), got \(actual.jsonText)"
    }
}
