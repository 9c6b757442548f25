/// recdeck's own dialect: the body is the unified request; the response is the plan with the
/// decision's status (DESIGN §3).
public struct NativeDialect: SingleRecordDialect {
    public init() {}
    public var name: String { "native" }
    public var endpoint: String { "POST /types/{type}/upsert (the unified request)" }
    public var respondsWithPlan: Bool { true }

    public func typeKey(of request: DialectRequest) -> String? { request.type }

    public func decodeOne(_ request: DialectRequest, type: ObjectType?) throws(RequestError) -> UpsertRequest {
        guard let key = request.type else { throw RequestError(field: "type", "the request names no type") }
        return try NativeRequest.decode(type: key, body: request.body)
    }

    public func response(to plan: Plan, request: DialectRequest, type: ObjectType?) -> NativeResponse {
        NativeResponse(status: plan.status, body: plan.json)
    }

    /// The request shape the composer starts from for `type`.
    public func template(for type: ObjectType, example: Record?) -> DialectTemplate {
        let (field, data) = type.templateData(example: example)
        var body: JSONObject = ["name": .string(example?.name ?? ""), "data": data]
        // The lookup names an identifier the body holds a value for: the data one, else the unique name.
        if let id = type.identifiers.first(where: { $0.source.description == "$.\(field ?? "")" })
            ?? type.identifiers.first(where: { $0.source == .name }) ?? type.identifiers.first
        {
            body["lookup"] = ["identifier": .string(id.name)]
        }
        return DialectTemplate(body: .object(body))
    }
}
