import Foundation

/// A JSON text that could not be read, with a readable reason.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

extension JSONValue {
    /// Reads JSON text (through Foundation's JSONSerialization). Errors say what and, where Foundation
    /// reports it, where (line and column).
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        // JSONSerialization then conversion: three times faster than JSONDecoder into this enum.
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw JSONSyntaxError(message: "malformed JSON: \(reason(data))")
        }
        return JSONValue(foundation: object)
    }

    /// Converts JSONSerialization's output.
    init(foundation value: Any) {
        switch value {
        case let s as String: self = .string(s)
        case let o as [String: Any]: self = .object(o.mapValues(JSONValue.init(foundation:)))
        case let a as [Any]: self = .array(a.map(JSONValue.init(foundation:)))
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": self = .bool(n.boolValue)
            case _ where n is NSDecimalNumber:
                // Integers beyond 64 bits: the correctly rounded double of their text (NSDecimalNumber's
                // own doubleValue can be off by an ulp, which would not survive a round trip).
                self = .double(Double(n.description) ?? n.doubleValue)
            case "d", "f": self = .double(n.doubleValue)
            case "Q", "L", "I", "S", "C":
                // Unsigned: above Int64.max it must not wrap to a negative number.
                let u = n.uint64Value
                self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
            default: self = .int(n.int64Value)
            }
        default: self = .null
        }
    }

    /// Foundation's JSONDecoder on Linux says only "not valid JSON"; JSONSerialization names the
    /// problem and sometimes a character offset, which is turned into line and column here.
    private static func reason(_ data: Data) -> String {
        if data.isEmpty { return "empty input" }
        guard String(validating: Array(data), as: UTF8.self) != nil else { return "input is not valid UTF-8" }
        var detail = "not valid JSON"
        do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? detail
        }
        if detail.hasSuffix(".") { detail.removeLast() }
        let bytes = Array(data)
        func position(_ offset: Int) -> String {
            let upTo = bytes.prefix(max(0, min(offset, bytes.count)))
            let line = upTo.filter { $0 == 0x0A }.count + 1
            let lastNL = upTo.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            return "line \(line), column \(String(decoding: upTo[lastNL...], as: UTF8.self).count + 1)"
        }
        if let r = detail.range(of: "character "), let n = Int(detail[r.upperBound...].prefix(while: \.isNumber)) {
            return detail.replacingOccurrences(of: "around character \(n)", with: "at \(position(n))")
        }
        if detail.lowercased().contains("end of file") { return "unexpected end of input at \(position(bytes.count))" }
        return detail
    }

    /// Reads JSON text from a string.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Data(text.utf8))
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let ctx):
            let underlying = (ctx.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? ctx.debugDescription
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .keyNotFound(_, let ctx):
            return ctx.debugDescription
        @unknown default:
            return "\(error)"
        }
    }

    /// Compact JSON text with sorted object keys (deterministic).
    public var jsonText: String {
        var out = ""
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
            for (n, k) in o.keys.sorted().enumerated() {
                if n > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                Self.writeString(k, to: &out)
                out += indent == nil ? ":" : ": "
                o[k]!.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
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
