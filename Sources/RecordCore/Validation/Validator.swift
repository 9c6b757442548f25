import Foundation

/// Field-level validation of request payloads against a type (DESIGN §3).
public enum Validator {
    /// Checks each non-null top-level data value the request gives against its declared field type.
    public static func checkTypes(_ data: JSONObject, in type: ObjectType) -> [FieldError] {
        check(data, in: type).errors
    }

    /// `checkTypes`, and the attributes the type does not declare (unsorted; none for a schemaless type),
    /// found in the same pass: each key's field is looked up once.
    static func check(_ data: JSONObject, in type: ObjectType) -> (errors: [FieldError], undeclared: [String]) {
        var problems: [(key: String, problem: String)] = []
        var undeclared: [String] = []
        for (key, value) in data {
            guard let fieldType = type.fieldType(key) else {
                if !type.isSchemaless { undeclared.append(key) }
                continue
            }
            guard !value.isNull, let problem = problem(value, as: fieldType) else { continue }
            problems.append((key, problem))
        }
        // In key order: an object's members are kept sorted.
        let errors = problems.map { FieldError(field: "data.\($0.key)", message: "\($0.key) \($0.problem)") }
        return (errors, undeclared)
    }

    /// Why a value does not fit a field type, or nil when it does.
    public static func problem(_ value: JSONValue, as type: FieldType) -> String? {
        var got: String { "got \(value.typeName) \(value.jsonText.prefix(40))" }
        switch type {
        case .string: return value.stringValue == nil ? "must be a string, \(got)" : nil
        case .number:
            switch value {
            case .int, .double: return nil;
            default: return "must be a number, \(got)"
            }
        case .integer:
            switch value {
            case .int: return nil;
            case .double where value.intValue != nil: return nil;
            default: return "must be an integer, \(got)"
            }
        case .boolean: return value.boolValue == nil ? "must be true or false, \(got)" : nil
        case .object: return value.objectValue == nil ? "must be an object, \(got)" : nil
        case .array: return value.arrayValue == nil ? "must be an array, \(got)" : nil
        case .email:
            guard let s = value.stringValue else { return "must be an email address string, \(got)" }
            return isEmail(s) ? nil : "\"\(s.prefix(60))\" is not a valid email address"
        case .phone:
            guard let s = value.stringValue else { return "must be a phone number string, \(got)" }
            return isPhone(s) ? nil : "\"\(s.prefix(60))\" is not a valid phone number"
        case .date:
            guard let s = value.stringValue else { return "must be an ISO-8601 date string, \(got)" }
            return Timestamp.parse(s) == nil ? "\"\(s.prefix(60))\" is not an ISO-8601 date" : nil
        }
    }

    /// `local@domain.tld`: one `@`, a non-empty local part, a dotted domain, no whitespace (after trimming).
    public static func isEmail(_ s: String) -> Bool {
        var t = s.trimmed
        // Over the contiguous UTF-8 bytes: iterating a String's UTF8View costs several times more.
        return t.withUTF8 { bytes in
            var at = -1, lastDot = -1
            for (i, c) in bytes.enumerated() {
                switch c {
                case 0x40: if at >= 0 { return false }; at = i
                case 0x2E: if at >= 0 { lastDot = i }
                case 0x20, 0x09, 0x0A, 0x0D: return false
                default: break
                }
            }
            let firstDomain = at + 1
            return at > 0 && lastDot > firstDomain && lastDot < bytes.count - 1 && bytes[firstDomain] != 0x2E
        }
    }

    /// Digits, `+ - . ( )` and spaces, with at least one digit (surrounding whitespace allowed).
    public static func isPhone(_ s: String) -> Bool {
        var utf8 = s
        return utf8.withUTF8 { isPhone(s, bytes: $0) }
    }

    private static func isPhone(_ s: String, bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // ASCII (nearly every phone): checked byte by byte; anything else by characters, as before.
        guard !bytes.contains(where: { $0 >= 0x80 }) else {
            let allowed = Set("0123456789+-. ()")
            let t = s.trimmed
            return !t.isEmpty && t.allSatisfy { allowed.contains($0) } && t.contains(where: \.isNumber)
        }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return false }
        var digit = false
        for c in bytes[first...last] {
            switch c {
            case 0x30...0x39: digit = true
            case 0x2B, 0x2D, 0x2E, 0x20, 0x28, 0x29: break
            default: return false
            }
        }
        return digit
    }
}
