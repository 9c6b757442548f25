/// A strict RFC 8259 reader over UTF-8 bytes (DESIGN §7). Hand-written because Foundation's
/// JSONSerialization accepts trailing commas (`{"a":1,}`, `[1,]`) that the real APIs refuse, and
/// reports no position for most errors. Every refusal names what was wrong and its line and column.
///
/// Decisions where RFC 8259 leaves a choice (JSONTestSuite's `i_` cases): a leading UTF-8 byte order
/// mark is skipped; numbers beyond a Double's range are refused; a lone surrogate escape (`\ud800`)
/// reads as U+FFFD; invalid UTF-8 is refused; nesting deeper than 512 levels is refused; a repeated
/// object key keeps its last value.
struct JSONParser {
    static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads exactly one JSON value (surrounded by optional whitespace) from `bytes`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONParser(bytes)
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { reader.at = 3 }
        reader.skipSpace()
        guard reader.at < bytes.count else {
            throw reader.error(reader.at == 0 ? "empty input" : "no value, only whitespace")
        }
        let value = try reader.value()
        reader.skipSpace()
        guard reader.at == bytes.count else { throw reader.error("unexpected \(reader.found) after the value") }
        return value
    }

    // MARK: Values

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard at < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected \(found), expected a value")
        }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        at += 1
        skipSpace()
        if peek == UInt8(ascii: "}") {
            at += 1
            depth -= 1
            return .object(JSONObject())
        }
        // Room for a typical record's keys up front.
        var members = JSONObject(minimumCapacity: 8)
        while true {
            guard peek == UInt8(ascii: "\"") else {
                throw error(
                    members.isEmpty
                        ? "unexpected \(found), expected a key in quotes"
                        : "unexpected \(found) after ',', expected a key in quotes (no trailing commas)")
            }
            let key = try string()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw error("unexpected \(found), expected ':' after the key") }
            at += 1
            skipSpace()
            members.add(key, try value())
            skipSpace()
            switch peek {
            case UInt8(ascii: ","):
                at += 1
                skipSpace()
            case UInt8(ascii: "}"):
                at += 1
                depth -= 1
                return .object(members)
            default: throw error("unexpected \(found), expected ',' or '}'")
            }
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        at += 1
        var elements: [JSONValue] = []
        skipSpace()
        if peek == UInt8(ascii: "]") {
            at += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            if peek == UInt8(ascii: "]") { throw error("unexpected ']' after ',' (no trailing commas)") }
            elements.append(try value())
            skipSpace()
            switch peek {
            case UInt8(ascii: ","):
                at += 1
                skipSpace()
            case UInt8(ascii: "]"):
                at += 1
                depth -= 1
                return .array(elements)
            default: throw error("unexpected \(found), expected ',' or ']'")
            }
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for k in 0..<count where at + k >= bytes.count || bytes[at + k] != expected[k] {
            at += k
            throw error("unexpected \(found) in a literal, expected \(word)")
        }
        at += count
        return value
    }

    // MARK: Numbers

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: an integer that fits 64 bits is `.int`,
    /// anything else the correctly rounded `.double` of its text.
    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = at
        let negative = peek == UInt8(ascii: "-")
        if negative { at += 1 }
        guard let first = peek, isDigit(first) else { throw error("unexpected \(found), expected a digit") }
        var magnitude: UInt64 = 0
        var overflow = false
        if first == UInt8(ascii: "0") {
            at += 1
            if let next = peek, isDigit(next) { throw error("a number cannot have a leading zero") }
        } else {
            while let d = peek, isDigit(d) {
                let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(UInt64(d - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = plus
                at += 1
            }
        }
        var integral = true
        if peek == UInt8(ascii: ".") {
            integral = false
            at += 1
            guard let d = peek, isDigit(d) else { throw error("unexpected \(found), expected a digit after '.'") }
            while let d = peek, isDigit(d) { at += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            integral = false
            at += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { at += 1 }
            guard let d = peek, isDigit(d) else {
                throw error("unexpected \(found), expected a digit in the exponent")
            }
            while let d = peek, isDigit(d) { at += 1 }
        }
        if integral && !overflow {
            if !negative && magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
            if negative && magnitude <= UInt64(Int64.max) + 1 {
                return .int(magnitude == 0 ? 0 : 0 &- Int64(bitPattern: magnitude))
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            at = start
            throw error("number \(text) is out of range")
        }
        return .double(double)
    }

    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    // MARK: Strings

    /// A string at `at` (its opening quote). Control characters must be escaped; the text must be UTF-8.
    private mutating func string() throws(JSONSyntaxError) -> String {
        let open = at
        at += 1
        let start = at
        var high: UInt8 = 0
        while at < bytes.count {
            let b = bytes[at]
            if b == UInt8(ascii: "\"") {
                let buffer = UnsafeBufferPointer(rebasing: bytes[start..<at])
                // ASCII needs no validation (and `String(validating:)` is generic, resolved at run time).
                let text = high < 0x80 ? String(decoding: buffer, as: UTF8.self) : try utf8(buffer, open: open)
                at += 1
                return text
            }
            high |= b
            if b == UInt8(ascii: "\\") { return try escapedString(from: start, open: open) }
            if b < 0x20 { throw error("unescaped control character \(hex(b)) in a string") }
            at += 1
        }
        at = open
        throw error("unterminated string")
    }

    /// The slow path: the string holds escapes, so its bytes are copied and the escapes decoded.
    private mutating func escapedString(from start: Int, open: Int) throws(JSONSyntaxError) -> String {
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
        while at < bytes.count {
            let b = bytes[at]
            switch b {
            case UInt8(ascii: "\""):
                at += 1
                let parser = self
                return try out.withUnsafeBufferPointer { buffer in
                    Result { () throws(JSONSyntaxError) in try parser.utf8(buffer, open: open) }
                }.get()
            case UInt8(ascii: "\\"):
                at += 1
                guard at < bytes.count else { break }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): append(try unicodeEscape(), to: &out)
                default:
                    at -= 2
                    throw error("invalid escape \\\(Self.describe(e)) in a string")
                }
            default:
                if b < 0x20 { throw error("unescaped control character \(hex(b)) in a string") }
                out.append(b)
                at += 1
            }
        }
        at = open
        throw error("unterminated string")
    }

    /// The scalar of `\uXXXX` (after its `u`), joining a surrogate pair; a lone surrogate is U+FFFD.
    private mutating func unicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let high = try hexQuad()
        guard (0xD800...0xDBFF).contains(high) else {
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        }
        guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
            return "\u{FFFD}"
        }
        let mark = at
        at += 2
        let low = try hexQuad()
        guard (0xDC00...0xDFFF).contains(low) else {
            at = mark  // not a pair: the second escape is read on its own
            return "\u{FFFD}"
        }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
    }

    private mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard at < bytes.count else { throw error("unexpected end of input in a \\u escape") }
            let b = bytes[at]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("unexpected \(found) in a \\u escape, expected 4 hex digits")
            }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }

    private func append(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        UTF8.encode(scalar) { out.append($0) }
    }

    private func utf8(_ buffer: UnsafeBufferPointer<UInt8>, open: Int) throws(JSONSyntaxError) -> String {
        guard let text = String(validating: buffer, as: UTF8.self) else {
            throw JSONSyntaxError(
                message: "malformed JSON: input is not valid UTF-8 in the string at \(Self.position(open, in: bytes))",
                position: Self.lineColumn(open, in: bytes))
        }
        return text
    }

    // MARK: Whitespace and errors

    private var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

    private mutating func skipSpace() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x0A, 0x0D, 0x09: at += 1
            default: return
            }
        }
    }

    /// What stands at the reading position, for messages: `','`, `end of input`, `byte 0xFF`.
    private var found: String {
        guard let b = peek else { return "end of input" }
        guard b >= 0x80 else { return Self.describe(b) }
        // A non-ASCII character outside a string: name it, or say that the bytes are not UTF-8.
        var iterator = bytes[at...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return "'\(Character(scalar))'" }
        return "byte \(hex(b)), which is not valid UTF-8"
    }

    private static func describe(_ b: UInt8) -> String {
        (0x21..<0x7F).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : b == 0x20 ? "space" : "byte \(hex(b))"
    }

    private func hex(_ b: UInt8) -> String { Self.hex(b) }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
    }

    private func error(_ what: String) -> JSONSyntaxError {
        JSONSyntaxError(
            message: "malformed JSON: \(what) at \(Self.position(at, in: bytes))",
            position: Self.lineColumn(at, in: bytes))
    }

    /// Line and column (1-based; the column counts characters, not bytes) of a byte offset.
    static func lineColumn(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for b in UnsafeBufferPointer(rebasing: bytes[0..<min(offset, bytes.count)]) {
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    private static func position(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let (line, column) = lineColumn(offset, in: bytes)
        return "line \(line), column \(column)"
    }
}
