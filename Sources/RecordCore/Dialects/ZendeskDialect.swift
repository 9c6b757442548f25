/// Zendesk custom objects: `PATCH /api/v2/custom_objects/{key}/records?external_id=…|name=…`
/// `{custom_object_record{name, external_id, custom_object_fields}}`. Exactly one of external_id
/// (matched exactly) or name (case-insensitively; the type's names must be unique). Only the given
/// fields change.
public struct ZendeskDialect: SingleRecordDialect {
    public init() {}
    public var name: String { "zendesk" }
    public var endpoint: String { "PATCH /api/v2/custom_objects/{key}/records?external_id=|name=" }

    public func typeKey(of request: DialectRequest) -> String? { request.type }

    public func decodeOne(_ request: DialectRequest, type: ObjectType?) throws(RequestError) -> UpsertRequest {
        guard let key = request.type else {
            throw RequestError(field: "custom_object_key", "the request names no custom object")
        }
        guard let type else {
            throw RequestError(field: "custom_object_key", "custom object \"\(key)\" was not found", status: 404)
        }
        let externalID = request.query("external_id"), name = request.query("name")
        let lookup: Lookup
        switch (externalID, name) {
        case (let e?, nil):
            guard !e.isEmpty else { throw RequestError(field: "external_id", "external_id is empty") }
            lookup = .source(.externalID, value: .string(e), normalize: .exact)
        case (nil, let n?):
            guard !n.trimmed.isEmpty else { throw RequestError(field: "name", "name is empty") }
            guard type.nameField.unique else {
                throw RequestError(
                    field: "name",
                    "\(key) record names are not unique, so records cannot be upserted by name; use external_id")
            }
            lookup = .source(.name, value: .string(n), normalize: .casefold)
        case (.some, .some):
            throw RequestError(field: "external_id", "give exactly one of external_id or name, not both")
        case (nil, nil):
            throw RequestError(
                field: "external_id", "an upsert needs exactly one of the external_id or name query parameters")
        }
        let body = try BodyFields(request.body)
        try body.rejectUnknown(["custom_object_record"])
        guard let recordValue = try body.objectValue("custom_object_record") else {
            throw RequestError(field: "custom_object_record", "custom_object_record is required")
        }
        let record = try BodyFields(recordValue, name: "custom_object_record", prefix: "custom_object_record.")
        try record.rejectUnknown(Self.writable.union(Self.readOnly))
        var r = UpsertRequest(type: key)
        r.lookup = lookup
        if let n = try record.string("name") { r.name = .set(n) }
        if let e = try record.string("external_id") { r.externalID = .set(e) }
        r.data = try record.objectValue("custom_object_fields")
        return r
    }

    /// The user id every record is created and updated by.
    static let userID = "1"

    /// The record members a request sets.
    static let writable: Set<String> = ["name", "external_id", "custom_object_fields"]
    /// Members Zendesk's page lists that the server assigns: a request copied from a GET may carry them,
    /// and they are ignored with a warning.
    static let readOnly: Set<String> = [
        "id", "url", "custom_object_key", "created_at", "updated_at", "created_by_user_id", "updated_by_user_id",
    ]

    public func warnings(for request: DialectRequest) -> [String] {
        let given = request.body["custom_object_record"]?.objectValue?.keys.filter(Self.readOnly.contains) ?? []
        return given.sorted().map { "custom_object_record.\($0) is assigned by the server; ignored" }
    }

    public func response(to plan: Plan, request: DialectRequest, type: ObjectType?) -> NativeResponse {
        guard !plan.decision.isError, let r = plan.record else {
            let (status, code, title): (Int, String, String)
            switch plan.decision {
            case .not_found: (status, code, title) = (404, "RecordNotFound", "Not found")
            case .conflict: (status, code, title) = (409, "ArchivedRecordConflict", "Conflict")
            case .ambiguous: (status, code, title) = (409, "MultipleRecordsMatch", "Conflict")
            case .stale: (status, code, title) = (409, "StaleRecord", "Conflict")
            default:
                switch plan.status {
                case 413: (status, code, title) = (413, "PayloadTooLarge", "Payload too large")
                case 401: (status, code, title) = (401, "Unauthorized", "Couldn't authenticate you")
                case 429: (status, code, title) = (429, "TooManyRequests", "Too many requests")
                case 500, 503: (status, code, title) = (plan.status, "ServerError", "Service unavailable")
                default: (status, code, title) = (400, "InvalidRecord", "Invalid record")
                }
            }
            let errors = (plan.errors.isEmpty ? [FieldError(field: "", message: plan.decision.rawValue)] : plan.errors)
                .map { e -> JSONValue in
                    [
                        "code": .string(code), "title": .string(title),
                        "detail": .string(e.field.isEmpty ? e.message : e.description),
                    ]
                }
            return NativeResponse(status: status, body: ["errors": .array(errors)])
        }
        return NativeResponse(
            status: plan.status,
            body: [
                "custom_object_record": [
                    "id": .string(r.id),
                    "name": r.name.map(JSONValue.string) ?? .null,
                    "external_id": r.externalID.map(JSONValue.string) ?? .null,
                    "custom_object_key": .string(r.type),
                    "custom_object_fields": r.data,
                    "created_at": .string(Timestamp.format(r.createdAt)),
                    "updated_at": .string(Timestamp.format(r.updatedAt)),
                    // recdeck has no users: every write is by the tool's one user.
                    "created_by_user_id": .string(Self.userID),
                    "updated_by_user_id": .string(Self.userID),
                    "url": .string("/api/v2/custom_objects/\(r.type)/records/\(r.id).json"),
                ]
            ])
    }

    /// The request shape the composer starts from for `type`.
    public func template(for type: ObjectType, example: Record?) -> DialectTemplate {
        // Zendesk finds a record by external id, or by name where names are unique; a type it cannot match
        // by either gets a new external id (a clean create).
        let query: [(String, String)] =
            example?.externalID.map { [("external_id", $0)] }
            ?? (type.nameField.unique ? [("name", example?.name ?? "")] : [("external_id", "new-\(type.key)-1")])
        return DialectTemplate(
            query: query,
            body: [
                "custom_object_record": ["name": .string(example?.name ?? ""), "custom_object_fields": .object([:])]
            ])
    }
}
