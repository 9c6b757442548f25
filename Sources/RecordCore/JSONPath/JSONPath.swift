/// A JSONPath of the subset recdeck uses: `$`, `.key`, `['key']` / `["key"]` and `[n]`.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    public enum Segment: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public let segments: [Segment]
    /// The path as text (`$.a['b c'][0]`), made once: planning names the path of every request.
    public let description: String

    public init(segments: [Segment]) {
        self.segments = segments
        description = Self.text(of: segments)
    }

    public static func == (a: JSONPath, b: JSONPath) -> Bool { a.segments == b.segments }
    public func hash(into hasher: inout Hasher) { hasher.combine(segments) }

    /// The root path `$`.
    public static let root = JSONPath(segments: [])

    /// Canonical text: `.key` for simple keys, `['key']` otherwise, `[n]` for indexes.
    private static func text(of segments: [Segment]) -> String {
        var s = "$"
        for seg in segments {
            switch seg {
            case .key(let k):
                if !k.isEmpty, k.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
                    !k.first!.isNumber
                {
                    s += "." + k
                } else {
                    s +=
                        "['" + k.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
                        + "']"
                }
            case .index(let i): s += "[\(i)]"
            }
        }
        return s
    }

    public func appending(_ segment: Segment) -> JSONPath { JSONPath(segments: segments + [segment]) }

    /// The value at this path, or nil when any step is missing.
    public func value(in root: JSONValue) -> JSONValue? {
        var current = root
        for seg in segments {
            switch (seg, current) {
            case let (.key(k), .object(o)):
                guard let next = o[k] else { return nil }
                current = next
            case let (.index(i), .array(a)):
                guard i >= 0, i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    /// Returns `root` with `newValue` set at this path, creating intermediate objects for keys.
    public func setting(_ newValue: JSONValue, in root: JSONValue) -> JSONValue {
        Self.set(newValue, in: root, segments[...])
    }

    private static func set(_ newValue: JSONValue, in node: JSONValue, _ rest: ArraySlice<Segment>) -> JSONValue {
        guard let first = rest.first else { return newValue }
        switch first {
        case .key(let k):
            var o = node.objectValue ?? [:]
            o[k] = set(newValue, in: o[k] ?? .null, rest.dropFirst())
            return .object(o)
        case .index(let i):
            var a = node.arrayValue ?? []
            while a.count <= i { a.append(.null) }
            a[i] = set(newValue, in: a[i], rest.dropFirst())
            return .array(a)
        }
    }
}

/// A JSONPath that could not be parsed; the position is a 0-based character offset.
public struct JSONPathError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let position: Int
    public let reason: String
    public var description: String { "bad JSONPath \"\(path)\" at position \(position): \(reason)" }
}

extension JSONPath {
    /// Parses `$`, `.key`, `['key']`, `["key"]`, `[n]`.
    public init(parsing text: String) throws(JSONPathError) {
        let chars = Array(text)
        var i = 0
        func fail(_ reason: String) -> JSONPathError { JSONPathError(path: text, position: i, reason: reason) }
        guard chars.first == "$" else { throw fail("a path starts with $") }
        i = 1
        var segs: [Segment] = []
        while i < chars.count {
            let c = chars[i]
            if c == "." {
                i += 1
                let start = i
                while i < chars.count, chars[i] != ".", chars[i] != "[" {
                    if chars[i] == "]" || chars[i] == "'" || chars[i] == "\"" || chars[i].isWhitespace {
                        throw fail("unexpected \"\(chars[i])\" in a key")
                    }
                    i += 1
                }
                if i == start { throw fail("expected a key after \".\"") }
                segs.append(.key(String(chars[start..<i])))
            } else if c == "[" {
                i += 1
                guard i < chars.count else { throw fail("expected an index or a quoted key after \"[\"") }
                if chars[i] == "'" || chars[i] == "\"" {
                    let quote = chars[i]
                    i += 1
                    var key = ""
                    var closed = false
                    while i < chars.count {
                        if chars[i] == "\\", i + 1 < chars.count { key.append(chars[i + 1]); i += 2; continue }
                        if chars[i] == quote { closed = true; i += 1; break }
                        key.append(chars[i]); i += 1
                    }
                    guard closed else { throw fail("unterminated quoted key") }
                    guard i < chars.count, chars[i] == "]" else { throw fail("expected \"]\"") }
                    i += 1
                    segs.append(.key(key))
                } else {
                    let start = i
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                    guard i > start else { throw fail("expected an index or a quoted key after \"[\"") }
                    guard i - start <= 9 else {
                        throw JSONPathError(path: text, position: start, reason: "index too large")
                    }
                    guard i < chars.count, chars[i] == "]" else { throw fail("expected \"]\"") }
                    segs.append(.index(Int(String(chars[start..<i]))!))
                    i += 1
                }
            } else {
                throw fail("expected \".\" or \"[\"")
            }
        }
        self.init(segments: segs)
    }
}
