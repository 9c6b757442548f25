/// A schema or scenario document that does not have the expected shape; names the field at fault.
public struct SchemaError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Small helpers for reading typed members out of a JSON object with clear errors.
struct JSONReader {
    let object: JSONObject
    let context: String

    init(_ value: JSONValue, context: String) throws(SchemaError) {
        guard let o = value.objectValue else {
            throw SchemaError("\(context): expected an object, got \(value.typeName)")
        }
        object = o
        self.context = context
    }

    func string(_ key: String) throws(SchemaError) -> String? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let s = v.stringValue else {
            throw SchemaError("\(context).\(key): expected a string, got \(v.typeName)")
        }
        return s
    }

    func requiredString(_ key: String) throws(SchemaError) -> String {
        guard let s = try string(key) else { throw SchemaError("\(context).\(key) is required") }
        return s
    }

    func bool(_ key: String) throws(SchemaError) -> Bool? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let b = v.boolValue else {
            throw SchemaError("\(context).\(key): expected true or false, got \(v.typeName)")
        }
        return b
    }

    func array(_ key: String) throws(SchemaError) -> [JSONValue]? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let a = v.arrayValue else { throw SchemaError("\(context).\(key): expected an array, got \(v.typeName)") }
        return a
    }
}
