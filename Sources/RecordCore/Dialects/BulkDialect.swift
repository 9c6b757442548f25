/// The bulk object API: `POST /objects/{object_type}/batch/upsert` `{records[1..1000]{attributes,
/// identifiers{ext_id|id}, associations}, atomic}`. Answers 202 with a process id at once; each
/// record's result is kept under it. Items apply in order; one bad item fails alone unless `atomic`.
/// Attributes the type does not declare are ignored with a warning.
public struct BulkDialect: Dialect {
    public init() {}
    public var name: String { "bulk" }
    public var endpoint: String { "POST /objects/{object_type}/batch/upsert" }
    public var answersWithProcess: Bool { true }

    public func typeKey(of request: DialectRequest) -> String? { request.type }

    public func decode(_ request: DialectRequest, type: ObjectType?) -> Result<DecodedBatch, RequestError> {
        Result { () throws(RequestError) -> DecodedBatch in
            guard let key = request.type, let type else {
                throw RequestError(field: "object_type", "invalid object type \"\(request.type ?? "")\"")
            }
            let body = try BodyFields(request.body)
            try body.rejectUnknown(["records", "atomic"])
            guard let records = try body.array("records") else {
                throw RequestError(field: "records", "records is required")
            }
            guard (1...Limits.maxBatch).contains(records.count) else {
                throw RequestError(
                    field: "records", "a batch holds 1 to \(Limits.maxBatch) records; this one has \(records.count)")
            }
            let items = records.enumerated().map { i, item -> DecodedItem in
                var warnings: [String] = []
                let request = Result { () throws(RequestError) -> UpsertRequest in
                    try decodeItem(item, index: i, type: type, key: key, warnings: &warnings)
                }
                return DecodedItem(request: request, warnings: warnings, body: item)
            }
            return DecodedBatch(items: items, atomic: try body.bool("atomic") ?? false)
        }
    }

    private func decodeItem(_ item: JSONValue, index: Int, type: ObjectType, key: String, warnings: inout [String])
        throws(RequestError) -> UpsertRequest
    {
        let at = "records[\(index)]."
        let fields = try BodyFields(item, name: "records[\(index)]", prefix: at)
        try fields.rejectUnknown(["attributes", "identifiers", "associations"])
        var r = UpsertRequest(type: key)
        var attributes = try fields.objectValue("attributes")?.objectValue ?? [:]
        if !type.isSchemaless {
            for name in attributes.keys.sorted() where type.field(name) == nil {
                attributes[name] = nil
                warnings.append(
                    "\(at)attributes.\(name): unknown attribute \"\(name)\" ignored (\(key) does not declare it)")
            }
        }
        r.data = .object(attributes)
        if let ids = try fields.objectValue("identifiers") {
            r.lookup = try Self.lookup(ids, field: at + "identifiers")
        }
        if let list = try fields.array("associations") {
            r.associations = []
            for (n, a) in list.enumerated() {
                let field = "\(at)associations[\(n)]"
                let assoc = try BodyFields(a, name: field, prefix: field + ".")
                try assoc.rejectUnknown(["object_type", "identifiers"])
                guard let target = try assoc.string("object_type") else {
                    throw RequestError(field: field + ".object_type", "\(field).object_type is required")
                }
                guard let ids = try assoc.objectValue("identifiers") else {
                    throw RequestError(field: field + ".identifiers", "\(field).identifiers is required")
                }
                switch try Self.lookup(ids, field: field + ".identifiers") {
                case .recordID(let id): r.associations?.append(.id(id))
                case .source(_, let v, _): r.associations?.append(.externalID(type: target, value: v.plainText))
                default: throw RequestError(field: field + ".identifiers", "\(field).identifiers needs id or ext_id")
                }
            }
        }
        return r
    }

    /// `identifiers{ext_id|id}`: ext_id is the record's external id, id the record's id.
    private static func lookup(_ value: JSONValue, field: String) throws(RequestError) -> Lookup {
        let ids = try BodyFields(value, name: field, prefix: field + ".")
        try ids.rejectUnknown(["ext_id", "id"])
        switch (try ids.idString("ext_id"), try ids.idString("id")) {
        case (nil, nil): return .none
        case (let e?, nil):
            guard !e.isEmpty else { throw RequestError(field: field + ".ext_id", "\(field).ext_id is empty") }
            return .source(.externalID, value: .string(e), normalize: .exact)
        case (nil, let id?): return .recordID(id)
        case (.some, .some): throw RequestError(field: field, "\(field) takes one of ext_id or id, not both")
        }
    }

    /// 202 with the process id, or the request's refusal.
    public func response(to plans: [Plan], request: DialectRequest, type: ObjectType?, processID: String?)
        -> NativeResponse
    {
        guard let processID else {
            let plan = plans.first ?? .invalid([FieldError(field: "body", message: "no request")])
            let message = plan.errors.map(\.message).joined(separator: "; ")
            let unauthorized = plan.status == 401
            return NativeResponse(
                status: [413, 401].contains(plan.status) ? plan.status : 400,
                body: [
                    "status": "error",
                    "category": .string(unauthorized ? "INVALID_AUTHENTICATION" : "VALIDATION_ERROR"),
                    "message": .string(message.isEmpty ? plan.decision.rawValue : message),
                    "errors": .array(plan.errors.map(\.json)),
                ])
        }
        return NativeResponse(
            status: 202, body: ["processId": .string(processID), "records": .int(Int64(plans.count))])
    }

    /// A record's result under its process: its position, outcome and record id.
    public func itemResult(_ plan: Plan, index: Int) -> JSONValue {
        [
            "index": .int(Int64(index)),
            "status": .int(Int64(plan.status)),
            "decision": .string(plan.decision.rawValue),
            "action": plan.action.map { .string($0.rawValue) } ?? .null,
            "id": (plan.record?.id ?? plan.match?.id).map(JSONValue.string) ?? .null,
            "errors": .array(plan.errors.map(\.json)),
            "warnings": .array(plan.warnings.map(JSONValue.string)),
        ]
    }

    /// The request shape the composer starts from for `type`.
    public func template(for type: ObjectType, example: Record?) -> DialectTemplate {
        // Bulk matches by external id or record id only.
        let identifiers: JSONValue =
            example.map { e in e.externalID.map { ["ext_id": .string($0)] } ?? ["id": .string(e.id)] } ?? ["ext_id": ""]
        return DialectTemplate(body: [
            "records": [["attributes": type.templateData(example: example).data, "identifiers": identifiers]]
        ])
    }
}
