/// Typed members of a request body object; each failure is a field error naming the member.
struct BodyFields {
    let object: JSONObject
    /// Prepended to member names in errors (`custom_object_record.`).
    let prefix: String

    init(_ value: JSONValue, name: String = "body", prefix: String = "") throws(RequestError) {
        guard let o = value.objectValue else {
            throw RequestError(field: name, "\(name) must be a JSON object, got \(value.typeName)")
        }
        object = o
        self.prefix = prefix
    }

    subscript(key: String) -> JSONValue? { object[key] }

    /// Refuses members the dialect does not define, naming each.
    func rejectUnknown(_ known: Set<String>) throws(RequestError) {
        let unknown = object.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw RequestError(
                unknown.map {
                    FieldError(
                        field: prefix + $0,
                        message:
                            "unknown member \"\(prefix + $0)\" (expected \(known.sorted().joined(separator: ", ")))")
                })
        }
    }

    func string(_ key: String) throws(RequestError) -> String? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let s = v.stringValue else {
            throw RequestError(field: prefix + key, "\(prefix + key) must be a string, got \(v.typeName)")
        }
        return s
    }

    /// A string member that may also be given as a number (ids copied from logs often are).
    func idString(_ key: String) throws(RequestError) -> String? {
        if let n = object[key]?.intValue { return String(n) }
        return try string(key)
    }

    func objectValue(_ key: String) throws(RequestError) -> JSONValue? {
        guard let v = object[key], !v.isNull else { return nil }
        guard v.objectValue != nil else {
            throw RequestError(field: prefix + key, "\(prefix + key) must be an object, got \(v.typeName)")
        }
        return v
    }

    func array(_ key: String) throws(RequestError) -> [JSONValue]? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let a = v.arrayValue else {
            throw RequestError(field: prefix + key, "\(prefix + key) must be an array, got \(v.typeName)")
        }
        return a
    }

    func bool(_ key: String) throws(RequestError) -> Bool? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let b = v.boolValue else {
            throw RequestError(field: prefix + key, "\(prefix + key) must be true or false, got \(v.typeName)")
        }
        return b
    }

    /// One of a fixed set of string options (null and absent give nil).
    func option(_ key: String, _ allowed: [String]) throws(RequestError) -> String? {
        guard let s = try string(key) else { return nil }
        guard allowed.contains(s) else {
            throw RequestError(
                field: prefix + key,
                "\(prefix + key) must be one of \(allowed.joined(separator: ", ")) or null, got \"\(s)\"")
        }
        return s
    }
}
