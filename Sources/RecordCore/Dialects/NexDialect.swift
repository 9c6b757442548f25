/// Nex: `PUT /objects/{slug}` `{matching_attribute, attributes}` ("assert" a record). The matching
/// attribute must be a unique identifier of the type and present in the payload; a multi-valued
/// match adds the new values, every other attribute given replaces the stored one. Answers 200 for
/// create and update.
public struct NexDialect: SingleRecordDialect {
    public init() {}
    public var name: String { "nex" }
    public var endpoint: String { "PUT /objects/{slug}" }

    public func typeKey(of request: DialectRequest) -> String? { request.type }

    public func decodeOne(_ request: DialectRequest, type: ObjectType?) throws(RequestError) -> UpsertRequest {
        guard let key = request.type else { throw RequestError(field: "slug", "the request names no object") }
        guard let type else { throw RequestError(field: "slug", "object \"\(key)\" was not found", status: 404) }
        let body = try BodyFields(request.body)
        try body.rejectUnknown(["matching_attribute", "attributes"])
        guard let attribute = try body.string("matching_attribute"), !attribute.isEmpty else {
            throw RequestError(field: "matching_attribute", "matching_attribute is required")
        }
        let attributes = try body.objectValue("attributes") ?? .object([:])
        let path = JSONPath(segments: [.key(attribute)])
        guard
            let id = type.identifiers.first(where: { $0.name == attribute && $0.source == .data(path) })
                ?? type.identifier(forPath: path)
        else {
            if type.field(attribute) != nil {
                throw RequestError(
                    field: "matching_attribute",
                    "attribute \"\(attribute)\" of \(key) is not unique, so it cannot be used to match (unique attributes: \(Self.uniqueAttributes(type)))"
                )
            }
            throw RequestError(
                field: "matching_attribute",
                "\(key) has no attribute \"\(attribute)\" (unique attributes: \(Self.uniqueAttributes(type)))")
        }
        guard let v = path.value(in: attributes), !v.isEmptyValue else {
            throw RequestError(
                field: "attributes.\(attribute)", "the matching attribute \"\(attribute)\" must be given in attributes")
        }
        var r = UpsertRequest(type: key)
        r.data = attributes
        r.lookup = .identifier(id.name, value: nil)
        return r
    }

    /// The attributes a request may match on: data identifiers at a top-level key.
    static func uniqueAttributes(_ type: ObjectType) -> String {
        let names = type.identifiers.compactMap { id -> String? in
            guard case .data(let p) = id.source, p.segments.count == 1, case .key(let k) = p.segments[0] else {
                return nil
            }
            return k
        }
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    public func response(to plan: Plan, request: DialectRequest, type: ObjectType?) -> NativeResponse {
        guard !plan.decision.isError, let r = plan.record else {
            let (code, kind): (String, String)
            switch plan.decision {
            case .not_found: (code, kind) = ("not_found", "invalid_request_error")
            case .conflict: (code, kind) = ("archived_record_conflict", "invalid_request_error")
            case .ambiguous: (code, kind) = ("multiple_matches", "invalid_request_error")
            case .stale: (code, kind) = ("stale_record", "invalid_request_error")
            default:
                (code, kind) = (plan.status == 413 ? "payload_too_large" : "validation_type", "invalid_request_error")
            }
            let status = plan.decision == .ambiguous ? 409 : plan.status
            return NativeResponse(
                status: status,
                body: [
                    "status_code": .int(Int64(status)), "type": .string(kind), "code": .string(code),
                    "message": .string(plan.errorSummary),
                ])
        }
        return NativeResponse(
            status: 200,
            body: [
                "id": .string(r.id),
                "object_id": .string(r.type),
                "type": .string(r.type),
                // Nex always names a workspace; a type without one is in "default".
                "workspace_id": .string(type?.workspaceID ?? "default"),
                "created_at": .string(Timestamp.format(r.createdAt)),
                "updated_at": .string(Timestamp.format(r.updatedAt)),
                "attributes": r.data,
            ])
    }

    /// The request shape the composer starts from for `type`.
    public func template(for type: ObjectType, example: Record?) -> DialectTemplate {
        let (field, data) = type.templateData(example: example)
        return DialectTemplate(body: ["matching_attribute": .string(field ?? "name"), "attributes": data])
    }
}
