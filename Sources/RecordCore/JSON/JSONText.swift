import Foundation

/// A JSON text that could not be read: what was wrong, and where (line and column, 1-based).
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// Where the reader stopped; nil for errors raised before reading (none today).
    public let line: Int?
    public let column: Int?
    public var description: String { message }

    init(message: String, position: (line: Int, column: Int)? = nil) {
        self.message = message
        self.line = position?.line
        self.column = position?.column
    }
}

extension JSONValue {
    /// Reads JSON text strictly (RFC 8259, `JSONParser`).
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) in try JSONParser.read(raw.bindMemory(to: UInt8.self)) }
        }
        return try result.get()
    }

    /// Reads JSON text from a slice of UTF-8 bytes (a line of a file) without copying it.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in try JSONParser.read(buffer) }
        }
        .get()
    }

    /// Reads JSON text from UTF-8 bytes.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in try JSONParser.read(buffer) }
        }
        .get()
    }

    /// Reads JSON text from a string.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in Result { () throws(JSONSyntaxError) in try JSONParser.read(buffer) } }
            .get()
    }

    /// Compact JSON text with sorted object keys (deterministic).
    public var jsonText: String {
        var out = ""
        out.reserveCapacity(128)
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented JSON text with sorted object keys.
    public var prettyText: String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out
    }

    private func write(to out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                if d.rounded() == d && abs(d) < 1e15 { out += String(Int64(d)) + ".0" } else { out += "\(d)" }
            } else {
                out += "null"
            }
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (n, v) in a.enumerated() {
                if n > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                v.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            // Sorted once as pairs: no second lookup per key.
            for (n, (k, v)) in o.sorted(by: { $0.key < $1.key }).enumerated() {
                if n > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                Self.writeString(k, to: &out)
                out += indent == nil ? ":" : ": "
                v.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "}"
        }
    }

    /// Appends `s` as a JSON string literal.
    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        // Fast path: nothing to escape (no controls, quote, backslash, DEL or U+2028/2029 lead byte).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value):
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
