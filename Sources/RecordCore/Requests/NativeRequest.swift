/// A request that could not be decoded; becomes an `invalid` plan with these field errors.
public struct RequestError: Error, Sendable, CustomStringConvertible {
    public var errors: [FieldError]
    public var status: Int
    public init(_ errors: [FieldError], status: Int = 400) { self.errors = errors; self.status = status }
    public init(field: String, _ message: String, status: Int = 400) {
        self.init([FieldError(field: field, message: message)], status: status)
    }
    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// The native dialect: its body is exactly the unified request's JSON (as in `native-*.json`).
public enum NativeRequest {
    static let knownKeys: Set<String> = [
        "type", "lookup", "name", "external_id", "data", "parent_id", "associations", "merge", "on_archived_match",
        "on_archived_conflict", "on_multiple_matches", "on_no_match", "expected_version", "idempotency_key",
    ]

    /// Decodes raw body bytes, enforcing the 1 MiB limit (413) before parsing.
    public static func decode(type: String, bytes: [UInt8]) throws(RequestError) -> UpsertRequest {
        let value = try Limits.parseBody(bytes)
        return try decode(type: type, body: value)
    }

    /// `decode(type:body:)` as a Result, for callers that keep going past a bad request (imports, scenarios).
    public static func result(type: String, body: JSONValue) -> Result<UpsertRequest, RequestError> {
        Result { () throws(RequestError) -> UpsertRequest in try decode(type: type, body: body) }
    }

    /// `decode(type:bytes:)` as a Result.
    public static func result(type: String, bytes: [UInt8]) -> Result<UpsertRequest, RequestError> {
        Result { () throws(RequestError) -> UpsertRequest in try decode(type: type, bytes: bytes) }
    }

    /// Decodes a parsed body.
    public static func decode(type: String, body: JSONValue) throws(RequestError) -> UpsertRequest {
        guard let o = body.objectValue else {
            throw RequestError(field: "body", "request body must be a JSON object, got \(body.typeName)")
        }
        var errors: [FieldError] = []
        for k in o.keys.sorted() where !knownKeys.contains(k) {
            errors.append(FieldError(field: k, message: "unknown request key \"\(k)\""))
        }
        var r = UpsertRequest(type: type)
        if let t = o["type"]?.stringValue, t != type {
            errors.append(
                FieldError(field: "type", message: "body names type \"\(t)\" but the request is for \"\(type)\""))
        }
        func stringUpdate(_ key: String) -> FieldUpdate<String> {
            switch o[key] {
            case nil: return .absent
            case .null?: return .clear
            case .string(let s)?: return .set(s)
            case let v?:
                errors.append(FieldError(field: key, message: "\(key) must be a string or null, got \(v.typeName)"))
                return .absent
            }
        }
        r.name = stringUpdate("name")
        r.externalID = stringUpdate("external_id")
        r.parentID = stringUpdate("parent_id")
        if let d = o["data"], !d.isNull {
            if d.objectValue == nil {
                errors.append(FieldError(field: "data", message: "data must be an object, got \(d.typeName)"))
            } else {
                r.data = d
            }
        }
        if let a = o["associations"], !a.isNull {
            if let items = a.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                r.associations = items.compactMap(\.stringValue).map(AssociationTarget.id)
            } else {
                errors.append(FieldError(field: "associations", message: "associations must be an array of record ids"))
            }
        }
        func option<T: RawRepresentable>(_ key: String, _: T.Type) -> T? where T.RawValue == String, T: CaseIterable {
            guard let v = o[key], !v.isNull else { return nil }
            if let s = v.stringValue, let t = T(rawValue: s) { return t }
            errors.append(
                FieldError(
                    field: key, message: "\(key) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        r.merge = option("merge", MergeMode.self) ?? .patch
        r.onArchivedMatch = option("on_archived_match", ArchivedMatchMode.self) ?? .prompt
        r.onArchivedConflict = option("on_archived_conflict", ArchivedConflictMode.self) ?? .error
        r.onMultipleMatches = option("on_multiple_matches", MultipleMatchesMode.self) ?? .error
        r.onNoMatch = option("on_no_match", NoMatchMode.self) ?? .create
        if let v = o["expected_version"], !v.isNull {
            if let n = v.intValue, n >= 0 {
                r.expectedVersion = Int(n)
            } else {
                errors.append(
                    FieldError(field: "expected_version", message: "expected_version must be a non-negative integer"))
            }
        }
        if let v = o["idempotency_key"], !v.isNull {
            if let s = v.stringValue, !s.isEmpty {
                r.idempotencyKey = s
            } else {
                errors.append(
                    FieldError(field: "idempotency_key", message: "idempotency_key must be a non-empty string"))
            }
        }
        do { r.lookup = try decodeLookup(o["lookup"]) } catch { errors.append(contentsOf: error.errors) }
        if !errors.isEmpty { throw RequestError(errors) }
        if r.idempotencyKey != nil {
            var fp = o
            fp["idempotency_key"] = nil
            r.fingerprint = JSONValue.object(fp).jsonText
        }
        return r
    }

    static func decodeLookup(_ value: JSONValue?) throws(RequestError) -> Lookup {
        guard let value, !value.isNull else { return .none }
        guard let o = value.objectValue else { throw RequestError(field: "lookup", "lookup must be an object") }
        let explicit: JSONValue?
        if let v = o["value"] {
            guard !v.isEmptyValue else {
                throw RequestError(
                    field: "lookup.value", "lookup value is empty; omit it to read the value from the payload")
            }
            explicit = v
        } else {
            explicit = nil
        }
        func path(_ text: JSONValue?, field: String) throws(RequestError) -> JSONPath {
            guard let s = text?.stringValue else {
                throw RequestError(field: field, "\(field) must be a JSONPath string")
            }
            do { return try JSONPath(parsing: s) } catch { throw RequestError(field: field, error.description) }
        }
        let present = ["identifier", "path", "paths"].filter { o[$0] != nil }
        guard present.count == 1 else {
            throw RequestError(field: "lookup", "lookup needs exactly one of identifier, path or paths")
        }
        for k in o.keys where !["identifier", "path", "paths", "value"].contains(k) {
            throw RequestError(field: "lookup.\(k)", "unknown lookup key \"\(k)\"")
        }
        if let id = o["identifier"] {
            guard let name = id.stringValue, !name.isEmpty else {
                throw RequestError(field: "lookup.identifier", "lookup.identifier must be a string")
            }
            return .identifier(name, value: explicit)
        }
        if o["path"] != nil { return .path(try path(o["path"], field: "lookup.path"), value: explicit) }
        guard let list = o["paths"]?.arrayValue, !list.isEmpty else {
            throw RequestError(field: "lookup.paths", "lookup.paths must be a non-empty array of JSONPaths")
        }
        if explicit != nil { throw RequestError(field: "lookup.value", "lookup.value cannot be combined with paths") }
        var out: [JSONPath] = []
        for (i, p) in list.enumerated() { out.append(try path(p, field: "lookup.paths[\(i)]")) }
        return .paths(out)
    }
}
