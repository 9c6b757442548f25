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

    /// Reads JSON text from UTF-8 bytes in memory someone else owns (a database column), without copying.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.read(buffer)
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
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(to: &out, indent: nil, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact JSON text (`jsonText`) as UTF-8 bytes.
    public func writeJSON(to out: inout [UInt8]) { write(to: &out, indent: nil, level: 0) }

    /// Indented JSON text with sorted object keys.
    public var prettyText: String {
        var out: [UInt8] = []
        write(to: &out, indent: Array("  ".utf8), level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the text as UTF-8 bytes: appending bytes is several times cheaper than appending to a
    /// `String`, and records are serialised once per write.
    private func write(to out: inout [UInt8], indent: [UInt8]?, level: Int) {
        switch self {
        case .null: out.append(contentsOf: Self.nullBytes)
        case .bool(let b): out.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
        case .int(let i): Self.writeInteger(i, to: &out)
        case .double(let d):
            if d.isFinite {
                if d.rounded() == d && abs(d) < 1e15 {
                    Self.writeInteger(Int64(d), to: &out)
                    out.append(contentsOf: ".0".utf8)
                } else {
                    out.append(contentsOf: "\(d)".utf8)
                }
            } else {
                out.append(contentsOf: Self.nullBytes)
            }
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let a):
            if a.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (n, v) in a.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                if let indent { Self.newline(indent, level + 1, to: &out) }
                v.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { Self.newline(indent, level, to: &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            if o.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            // Members are kept sorted by key.
            for (n, (k, v)) in o.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                if let indent { Self.newline(indent, level + 1, to: &out) }
                Self.writeString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                v.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { Self.newline(indent, level, to: &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    private static func newline(_ indent: [UInt8], _ level: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<level { out.append(contentsOf: indent) }
    }

    /// Appends an integer's decimal digits (a small string: no allocation).
    private static func writeInteger(_ i: Int64, to out: inout [UInt8]) {
        if i >= 0 && i < 10 { out.append(UInt8(ascii: "0") + UInt8(i)) } else { out.append(contentsOf: String(i).utf8) }
    }

    /// Appends `s` as a JSON string literal.
    static func writeString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `s` as a JSON string literal's UTF-8 bytes.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Fast path: nothing to escape (no controls, quote, backslash, DEL or U+2028/2029 lead byte).
        var s = s
        let plain = s.withUTF8 { utf8 in
            if utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }) {
                return false
            }
            out.append(contentsOf: utf8)
            return true
        }
        if plain {
            out.append(UInt8(ascii: "\""))
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: #"\""#.utf8)
            case "\\": out.append(contentsOf: #"\\"#.utf8)
            case "\n": out.append(contentsOf: #"\n"#.utf8)
            case "\r": out.append(contentsOf: #"\r"#.utf8)
            case "\t": out.append(contentsOf: #"\t"#.utf8)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value):
                out.append(contentsOf: String(format: "\\u%04x", scalar.value).utf8)
            default: out.append(contentsOf: String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
