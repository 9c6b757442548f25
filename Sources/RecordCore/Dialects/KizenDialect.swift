/// Kizen: `POST /api/records/{object}/upsert` `{lookup_value, fields, oncreate_unarchive,
/// onupdate_archived_conflict}`, `?return_all_fields=true`. Contacts are looked up by email, other
/// objects by name, case-insensitively even where the type keys the value exactly; the first
/// (oldest) match wins.
public struct KizenDialect: SingleRecordDialect {
    public init() {}
    public var name: String { "kizen" }
    public var endpoint: String { "POST /api/records/{object}/upsert" }

    static let members: Set<String> = ["lookup_value", "fields", "oncreate_unarchive", "onupdate_archived_conflict"]

    public func typeKey(of request: DialectRequest) -> String? { request.type }

    /// Where the lookup value lives: a contact's email, any other record's name.
    static func lookupSource(_ type: ObjectType) -> IdentifierSource {
        guard type.kind == .contact else { return .name }
        if let declared = type.identifiers.first(where: { $0.name == "email" }) { return declared.source }
        return .data(try! JSONPath(parsing: "$.email"))
    }

    public func decodeOne(_ request: DialectRequest, type: ObjectType?) throws(RequestError) -> UpsertRequest {
        guard let key = request.type else { throw RequestError(field: "object", "the request names no object") }
        let body = try BodyFields(request.body)
        try body.rejectUnknown(Self.members)
        var r = UpsertRequest(type: key)
        guard let lookup = body["lookup_value"], !lookup.isEmptyValue else {
            throw RequestError(field: "lookup_value", "This field is required.")
        }
        guard lookup.stringValue != nil || lookup.intValue != nil else {
            throw RequestError(field: "lookup_value", "lookup_value must be a string, got \(lookup.typeName)")
        }
        switch try body.option("oncreate_unarchive", ["prompt", "unarchive", "overwrite"]) {
        case "unarchive": r.onArchivedMatch = .unarchive
        case "overwrite": r.onArchivedMatch = .overwrite
        default: r.onArchivedMatch = .prompt
        }
        r.onArchivedConflict =
            try body.option("onupdate_archived_conflict", ["error", "overwrite"]) == "overwrite" ? .overwrite : .error
        r.onMultipleMatches = .first
        r.data = try body.objectValue("fields") ?? .object([:])
        if let type {
            r.lookup = .source(Self.lookupSource(type), value: lookup, normalize: .casefold)
        }
        return r
    }

    /// `UpsertRecordResponse` of Kizen's OpenAPI document: the record's `fields` (the touched ones, or all
    /// with `return_all_fields`) always including the system field `id`, and the members the schema
    /// requires that recdeck keeps no data for (`client_info`, `lead_source_types`, the counts) with
    /// empty values. A no-op update still says `updated`: the schema's actions are created, updated and
    /// unarchived.
    public func response(to plan: Plan, request: DialectRequest, type: ObjectType?) -> NativeResponse {
        guard !plan.decision.isError, let r = plan.record else { return errorResponse(plan) }
        let returnAll = ["true", "1", "yes"].contains(request.query("return_all_fields")?.lowercased() ?? "")
        let touched = request.body["fields"]?.objectValue.map { Array($0.keys) } ?? []
        let data = r.data.objectValue ?? [:]
        var fields: JSONObject = [:]
        for k in returnAll ? Array(data.keys) : touched {
            let value = data[k] ?? .null
            fields[k] = [
                "id": .string("\(r.type).\(k)"),
                "field_type": .string(type?.field(k)?.type.rawValue ?? value.typeName),
                "display_name": .string(Self.displayName(k)),
                "value": value,
            ]
        }
        // The system field `id` (its value an object, as the schema's SerializedFieldValueDict says); a data
        // attribute named `id` is answered under `data_id` beside it.
        if let own = fields["id"] { fields["data_id"] = own }
        fields["id"] = [
            "id": .string("\(r.type).id"), "field_type": "uuid", "display_name": "ID", "value": ["id": .string(r.id)],
        ]
        let displayName = r.name ?? data["email"]?.stringValue ?? r.id
        return NativeResponse(
            status: plan.status,
            body: [
                "id": .string(r.id),
                "object_type": .string(r.type),
                "name": r.name.map(JSONValue.string) ?? .null,
                "fields": .object(fields),
                "action": .string((plan.action ?? .updated).rawValue),
                "access": ["view": true, "edit": true, "remove": true],
                "client_info": [
                    "display_name": .string(displayName), "email_on_suppression_list": false, "num_addresses_v2": 0,
                ],
                "lead_source_types": [],
                "num_associated_team_members": 0,
                "num_upcoming_activities": 0,
                "archived": .bool(r.archived),
                "created": .string(Timestamp.format(r.createdAt)),
                "updated": .string(Timestamp.format(r.updatedAt)),
            ])
    }

    /// Kizen's `ErrorResponse` (Django REST framework's shape): errors on a request member under that
    /// member (`lookup_value: [message]`), errors on record fields in `fields` as `_FieldError` entries
    /// (`name` holds the field's key, `value` its messages), everything else — archived conflicts
    /// included — in `non_field_errors`.
    private func errorResponse(_ plan: Plan) -> NativeResponse {
        var nonField: [JSONValue] = []
        var members: [String: [JSONValue]] = [:]
        var fields: [(key: String, messages: [JSONValue])] = []
        func fieldError(_ key: String, _ message: String) {
            if let i = fields.firstIndex(where: { $0.key == key }) {
                fields[i].messages.append(.string(message))
            } else {
                fields.append((key, [.string(message)]))
            }
        }
        for e in plan.errors {
            switch (plan.decision, e.field) {
            case (.conflict, "on_archived_match"):
                nonField.append(.string(Messages.kizenArchivedMatch(plan.match?.id ?? "?")))
            case (.conflict, let field):
                nonField.append(.string(Messages.kizenArchivedConflict(field, holders: plan.candidates.map(\.id))))
            case (_, let f) where f.hasPrefix("data."):
                fieldError(String(f.dropFirst(5)), e.message)
            case (_, "lookup_value"), (_, "oncreate_unarchive"), (_, "onupdate_archived_conflict"), (_, "fields"):
                members[e.field, default: []].append(.string(e.message))
            default:
                nonField.append(.string(e.description))
            }
        }
        if nonField.isEmpty && fields.isEmpty && members.isEmpty { nonField.append(.string(plan.decision.rawValue)) }
        let status: Int
        switch plan.decision {
        case .not_found: status = 404
        case .stale: status = 409
        default: status = plan.statusOverride ?? 400
        }
        var body = JSONObject(members.mapValues(JSONValue.array))
        body["non_field_errors"] = .array(nonField)
        body["fields"] = .array(
            fields.map { f in
                ["name": [.string(f.key)], "value": .array(f.messages), "add_values": [], "remove_values": []]
            })
        return NativeResponse(status: status, body: .object(body))
    }

    /// `first_name` → `First name`.
    static func displayName(_ key: String) -> String {
        let words = key.split(separator: "_").joined(separator: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// The request shape the composer starts from for `type`.
    public func template(for type: ObjectType, example: Record?) -> DialectTemplate {
        DialectTemplate(body: [
            "lookup_value": type.templateLookupValue(example: example),
            "fields": type.templateData(example: example).data,
        ])
    }
}
