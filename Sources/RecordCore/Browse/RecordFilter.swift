/// What a filter compares: the name, the external id, or a value in `data`.
public enum FilterTarget: Sendable, Hashable, CustomStringConvertible {
    case name
    case externalID
    case path(JSONPath)

    public var description: String {
        switch self {
        case .name: return "name"
        case .externalID: return "external_id"
        case .path(let p): return p.description
        }
    }
}

/// A comparison operator of a filter.
public enum FilterComparison: String, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A filter typed after `/` (DESIGN §6), also taken by `recdeck export --filter`.
public enum RecordFilter: Sendable, Equatable, CustomStringConvertible {
    /// A case-insensitive prefix of any identifier value (after its normalisation) or of the name.
    case prefix(String)
    /// A case-insensitive substring of one target, or (nil) of the name or any identifier.
    case contains(String, FilterTarget?)
    /// `target op value`: numbers compare as numbers; a missing value is "not equal" to anything.
    case compare(FilterTarget, FilterComparison, JSONValue)
    /// `target is null` (missing or null), or with `negated` `is not null`.
    case isNull(FilterTarget, negated: Bool)

    /// Parses the filter text: `~text`, `TARGET OP VALUE`, `TARGET ~ text`, `TARGET is [not] null` (TARGET a
    /// `$` path, `name` or `external_id`), else a prefix. Empty text is no filter.
    public static func parse(_ text: String) throws(RecordFilterError) -> RecordFilter? {
        let chars = Array(text)
        var start = 0
        while start < chars.count, chars[start].isWhitespace { start += 1 }
        var end = chars.count
        while end > start, chars[end - 1].isWhitespace { end -= 1 }
        if start == end { return nil }
        let body = String(chars[start..<end])
        if chars[start] == "~" {
            let needle = String(chars[(start + 1)..<end]).trimmed
            guard !needle.isEmpty else {
                throw RecordFilterError("expected text to look for after `~`", column: start + 2)
            }
            return .contains(needle, nil)
        }
        let (lhsEnd, op) = operatorPosition(chars, from: start, to: end)
        let lhs = String(chars[start..<(lhsEnd ?? end)]).trimmed
        let isTarget = lhs.hasPrefix("$") || lhs == "name" || lhs == "external_id"
        guard let lhsEnd, let op else {
            if lhs.hasPrefix("$") {
                // A path that does not parse is named with its own error (`$.a[ = 1`).
                let first = String(lhs.prefix { !$0.isWhitespace })
                do { _ = try JSONPath(parsing: first) } catch {
                    throw RecordFilterError("\(error.reason) in `\(first)`", column: start + 1 + error.position)
                }
                throw RecordFilterError(
                    "expected an operator (=, !=, <, <=, >, >=, ~, is null) after `\(lhs)`", column: end + 1)
            }
            return .prefix(body)
        }
        guard isTarget else {
            if op == "=" || op == "!=" {
                throw RecordFilterError(
                    "\"\(lhs)\" is not a path: write `$.field = value`, `name = value` or `external_id = value`",
                    column: start + 1)
            }
            return .prefix(body)
        }
        let target: FilterTarget
        switch lhs {
        case "name": target = .name
        case "external_id": target = .externalID
        default:
            do {
                let path = try JSONPath(parsing: lhs)
                guard !path.segments.isEmpty else {
                    throw RecordFilterError(
                        "filter on a field below `$`, e.g. `$.email = a@b.example`", column: start + 1)
                }
                target = .path(path)
            } catch let e as JSONPathError {
                throw RecordFilterError("\(e.reason) in `\(lhs)`", column: start + 1 + e.position)
            } catch let e as RecordFilterError {
                throw e
            } catch {
                throw RecordFilterError("\(error)", column: start + 1)
            }
        }
        let valueStart = lhsEnd + op.count
        let rhs = String(chars[valueStart..<end]).trimmed
        let rhsColumn = valueStart + 1 + (chars[valueStart..<end].prefix { $0.isWhitespace }.count)
        switch op {
        case "is":
            let words = rhs.lowercased().split(separator: " ").map(String.init)
            if words == ["null"] { return .isNull(target, negated: false) }
            if words == ["not", "null"] { return .isNull(target, negated: true) }
            throw RecordFilterError("expected `is null` or `is not null`", column: rhsColumn)
        case "~":
            guard !rhs.isEmpty else {
                throw RecordFilterError("expected text to look for after `~`", column: rhsColumn)
            }
            return .contains(rhs, target)
        default:
            guard !rhs.isEmpty else { throw RecordFilterError("expected a value after `\(op)`", column: rhsColumn) }
            // `>> 5`, `=< 5`: a second operator is a typo, not a value to compare with.
            if let first = rhs.first, "=<>!~".contains(first) {
                throw RecordFilterError("unexpected `\(first)` after `\(op)`: expected a value", column: rhsColumn)
            }
            let value = (try? JSONValue.parse(rhs)) ?? .string(rhs)
            switch value {
            case .object, .array:
                throw RecordFilterError(
                    "a filter compares one value (string, number, true/false, null), not an object or array",
                    column: rhsColumn)
            case .null:
                if op == "=" { return .isNull(target, negated: false) }
                if op == "!=" { return .isNull(target, negated: true) }
                throw RecordFilterError(
                    "null can only be compared with = or != (or write `is null`)", column: rhsColumn)
            default:
                return .compare(target, FilterComparison(rawValue: op)!, value)
            }
        }
    }

    /// The first operator outside brackets and quotes, and where it starts: `<=`, `>=`, `!=`, `=`, `<`, `>`,
    /// `~`, or the word `is`.
    private static func operatorPosition(_ chars: [Character], from start: Int, to end: Int) -> (Int?, String?) {
        var depth = 0
        var quote: Character?
        var i = start
        while i < end {
            let c = chars[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
            } else if c == "'" || c == "\"", depth > 0 {
                quote = c
            } else if c == "[" {
                depth += 1
            } else if c == "]" {
                depth -= 1
            } else if depth == 0 {
                let two = i + 1 < end ? String(chars[i...(i + 1)]) : ""
                if ["<=", ">=", "!="].contains(two) { return (i, two) }
                if "=<>~".contains(c) { return (i, String(c)) }
                if c.isWhitespace, i + 3 <= end, String(chars[(i + 1)..<min(end, i + 3)]).lowercased() == "is",
                    i + 3 == end || chars[i + 3].isWhitespace
                {
                    return (i + 1, "is")
                }
            }
            i += 1
        }
        return (nil, nil)
    }

    public var description: String {
        switch self {
        case .prefix(let p): return p + "…"
        case .contains(let t, nil): return "~" + t
        case .contains(let t, let target?): return "\(target) ~ \(t)"
        case .compare(let target, let op, let v): return "\(target) \(op.rawValue) \(v.jsonText)"
        case .isNull(let target, let negated): return "\(target) is \(negated ? "not " : "")null"
        }
    }
}

/// Why a filter could not be read, and where (a 1-based column of the filter text).
public struct RecordFilterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var column: Int
    public init(_ message: String, column: Int) { self.message = message; self.column = column }
    public var description: String { "\(message) (at column \(column))" }
}
