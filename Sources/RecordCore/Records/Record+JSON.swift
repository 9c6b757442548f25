import Foundation

extension Record {
    /// Decodes the unified record shape (as written by `json`, or a scenario's initial record).
    /// Missing timestamps default to `defaultTime`; a missing version to 1.
    public init(json: JSONValue, defaultType: String? = nil, defaultTime: Date) throws(SchemaError) {
        let r = try JSONReader(json, context: "record")
        guard let type = try r.string("type") ?? defaultType else { throw SchemaError("record.type is required") }
        let id = try r.requiredString("id")
        func date(_ key: String) throws(SchemaError) -> Date? {
            guard let s = try r.string(key) else { return nil }
            guard let d = Timestamp.parse(s) else {
                throw SchemaError("record \(id).\(key): \"\(s)\" is not an ISO-8601 timestamp")
            }
            return d
        }
        let data = r.object["data"] ?? .object([:])
        guard data.objectValue != nil else { throw SchemaError("record \(id).data must be an object") }
        let created = try date("created_at") ?? defaultTime
        let archived = try r.bool("archived") ?? false
        self.init(
            id: id, type: type, name: try r.string("name"), externalID: try r.string("external_id"), data: data,
            parentID: try r.string("parent_id"), archived: archived,
            archivedAt: try date("archived_at") ?? (archived ? created : nil),
            version: Int(r.object["version"]?.intValue ?? 1), createdAt: created,
            updatedAt: try date("updated_at") ?? created,
            associations: (try r.array("associations") ?? []).compactMap(\.stringValue),
            mergedInto: try r.string("merged_into"))
    }

    /// The record a revision's `after` describes: its compact text (`revisionText`) completed by the
    /// record's id, type and creation time and the revision's version and time. An `after` written whole
    /// (before the compact form, so it names its `id`) is read as it is.
    public init(
        revision after: JSONValue, id: String, type: String, createdAt: Date, version: Int, at: Date
    ) throws(SchemaError) {
        guard var members = after.objectValue, members["id"] == nil else {
            try self.init(json: after, defaultType: type, defaultTime: createdAt)
            return
        }
        members["id"] = .string(id)
        members["type"] = .string(type)
        members["created_at"] = .string(Timestamp.format(createdAt))
        members["version"] = .int(Int64(version))
        if members["updated_at"] == nil { members["updated_at"] = .string(Timestamp.format(at)) }
        try self.init(json: .object(members), defaultTime: createdAt)
    }
}
