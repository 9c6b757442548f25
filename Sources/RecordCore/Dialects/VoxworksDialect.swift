/// Voxworks: `POST /api/v1/upsert-object` `{name, data, type_name|type_id, parent_id, upsert_key{path,value},
/// unique_key}`. Matches on `upsert_key` (any JSONPath into data); without one, on
/// `$.external_ids.rex.property_id`, then `$.id`; with neither present it always creates.
public struct VoxworksDialect: SingleRecordDialect {
    public init() {}
    public var name: String { "voxworks" }
    public var endpoint: String { "POST /api/v1/upsert-object" }
    public var namesTypeInBody: Bool { true }

    /// The default key chain when the request gives no `upsert_key`.
    public static let defaultKeyPaths = ["$.external_ids.rex.property_id", "$.id"]
    static let members: Set<String> = ["name", "data", "type_name", "type_id", "parent_id", "upsert_key", "unique_key"]

    public func typeKey(of request: DialectRequest) -> String? {
        request.body["type_name"]?.stringValue ?? request.body["type_id"]?.stringValue ?? request.type
    }

    public func decodeOne(_ request: DialectRequest, type: ObjectType?) throws(RequestError) -> UpsertRequest {
        let body = try BodyFields(request.body)
        try body.rejectUnknown(Self.members)
        let typeName = try body.idString("type_name"), typeID = try body.idString("type_id")
        if let typeName, let typeID, typeName != typeID {
            throw RequestError(
                field: "type_id", "type_name \"\(typeName)\" and type_id \"\(typeID)\" name different types")
        }
        guard let key = typeName ?? typeID ?? request.type else {
            throw RequestError(field: "type_name", "type_name or type_id is required")
        }
        if let given = typeName ?? typeID, let path = request.type, path != given {
            throw RequestError(
                field: "type_name", "the body names type \"\(given)\" but the request is for \"\(path)\"")
        }
        guard let name = try body.string("name"), !name.trimmed.isEmpty else {
            throw RequestError(field: "name", "name is required")
        }
        var r = UpsertRequest(type: key)
        r.name = .set(name)
        r.data = try body.objectValue("data")
        if let parent = try body.idString("parent_id") { r.parentID = .set(parent) }

        let upsertKey = try Self.key(body, "upsert_key"), uniqueKey = try Self.key(body, "unique_key")
        if let u = upsertKey, let k = uniqueKey, u != k {
            throw RequestError(
                field: "unique_key",
                "unique_key (deprecated alias of upsert_key) disagrees with upsert_key: \(k.path) vs \(u.path)")
        }
        if let chosen = upsertKey ?? uniqueKey {
            r.lookup = .path(chosen.path, value: chosen.value)
        } else {
            r.lookup = .paths(Self.defaultKeyPaths.map { try! JSONPath(parsing: $0) })
        }
        return r
    }

    /// An `upsert_key`/`unique_key` member: `{path, value}`, the value optional (read from data).
    private static func key(_ body: BodyFields, _ member: String) throws(RequestError) -> (
        path: JSONPath, value: JSONValue?
    )? {
        guard let v = try body.objectValue(member) else { return nil }
        let k = try BodyFields(v, name: member, prefix: member + ".")
        try k.rejectUnknown(["path", "value"])
        guard let text = try k.string("path") else {
            throw RequestError(field: member + ".path", "\(member).path is required")
        }
        let path: JSONPath
        do { path = try JSONPath(parsing: text) } catch {
            throw RequestError(field: member + ".path", "\(member).path: \(error)")
        }
        let value = k["value"].flatMap { $0.isNull ? nil : $0 }
        if let value, value.isEmptyValue { throw RequestError(field: member + ".value", "\(member).value is empty") }
        return (path, value)
    }

    public func warnings(for request: DialectRequest) -> [String] {
        request.body["unique_key"].map { $0.isNull ? [] : ["unique_key is deprecated; send upsert_key"] } ?? []
    }

    /// `UpsertObjectResponse` (201 created, 200 updated — a no-op update included, since the schema's
    /// actions are created and updated) or `ErrorResponse`. The document lists 400 and 404 for errors;
    /// an archived collision or several matches answer 409, which it does not list (README, Dialects).
    public func response(to plan: Plan, request: DialectRequest, type: ObjectType?) -> NativeResponse {
        guard !plan.decision.isError, let r = plan.record else {
            let status: Int
            switch plan.decision {
            case .conflict, .ambiguous, .stale: status = 409
            default: status = plan.status
            }
            return NativeResponse(status: status, body: ["success": false, "message": .string(plan.errorSummary)])
        }
        // The schema types upsert_key.value as a string: a number found at the path is answered as its text.
        let key: JSONValue =
            plan.lookup.map { ["path": .string($0.path ?? ""), "value": .string($0.value.plainText)] } ?? .null
        return NativeResponse(
            status: plan.status,
            body: [
                "success": true,
                "object_id": .string(r.id),
                "object": [
                    "id": .string(r.id), "name": .string(r.name ?? ""), "type_id": .string(r.type),
                    "parent_id": r.parentID.map(JSONValue.string) ?? .null, "data": r.data,
                ],
                "action": .string(plan.action == .created ? "created" : "updated"),
                "upsert_key": key,
            ])
    }

    /// The request shape the composer starts from for `type`.
    public func template(for type: ObjectType, example: Record?) -> DialectTemplate {
        let (field, data) = type.templateData(example: example)
        var body: JSONObject = [
            "type_name": .string(type.key), "name": .string(example?.name ?? ""), "data": data,
        ]
        if let field { body["upsert_key"] = ["path": .string("$.\(field)"), "value": data[field] ?? ""] }
        return DialectTemplate(body: .object(body))
    }
}
