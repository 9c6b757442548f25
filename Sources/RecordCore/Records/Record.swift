import Foundation

/// A stored record (DESIGN §2).
public struct Record: Sendable, Equatable {
    public var id: String
    public var type: String
    public var name: String?
    public var externalID: String?
    public var data: JSONValue
    public var parentID: String?
    public var archived: Bool
    public var archivedAt: Date?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var associations: [String]
    public var mergedInto: String?

    public init(id: String, type: String, name: String? = nil, externalID: String? = nil, data: JSONValue = .object([:]),
                parentID: String? = nil, archived: Bool = false, archivedAt: Date? = nil, version: Int = 1,
                createdAt: Date, updatedAt: Date? = nil, associations: [String] = [], mergedInto: String? = nil) {
        self.id = id; self.type = type; self.name = name; self.externalID = externalID; self.data = data
        self.parentID = parentID; self.archived = archived; self.archivedAt = archivedAt; self.version = version
        self.createdAt = createdAt; self.updatedAt = updatedAt ?? createdAt; self.associations = associations
        self.mergedInto = mergedInto
    }

    /// True when the user-visible content (not version or timestamps) is the same.
    public func sameContent(as other: Record) -> Bool {
        name == other.name && externalID == other.externalID && data == other.data && parentID == other.parentID
            && archived == other.archived && associations == other.associations && mergedInto == other.mergedInto
    }

    /// The record in the unified JSON shape used by plans, `get --json` and scenarios.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "type": .string(type),
            "name": name.map(JSONValue.string) ?? .null,
            "external_id": externalID.map(JSONValue.string) ?? .null,
            "data": data,
            "parent_id": parentID.map(JSONValue.string) ?? .null,
            "archived": .bool(archived),
            "archived_at": archivedAt.map { .string(Timestamp.format($0)) } ?? .null,
            "version": .int(Int64(version)),
            "created_at": .string(Timestamp.format(createdAt)),
            "updated_at": .string(Timestamp.format(updatedAt)),
            "associations": .array(associations.map(JSONValue.string)),
        ]
        if let mergedInto { o["merged_into"] = .string(mergedInto) }
        return .object(o)
    }
}

/// ISO-8601 UTC timestamps, e.g. `2026-01-01T00:00:00Z` (fractional seconds kept when present).
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down)
        let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        if date.timeIntervalSince1970 - whole >= 0.0005 {
            return style.time(includingFractionalSeconds: true).format(date)
        }
        return style.format(date)
    }

    public static func parse(_ text: String) -> Date? {
        let plain = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        if let d = try? plain.parse(text) { return d }
        if let d = try? plain.time(includingFractionalSeconds: true).parse(text) { return d }
        if let d = try? Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day().parse(text) { return d }
        return nil
    }
}
