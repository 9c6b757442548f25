/// A field a request may set, clear or leave alone.
public enum FieldUpdate<Value: Sendable & Equatable>: Sendable, Equatable {
    case absent
    case clear
    case set(Value)

    public var value: Value? { if case .set(let v) = self { return v } else { return nil } }
}

/// How a request finds its record (DESIGN §3).
public enum Lookup: Sendable, Equatable {
    /// No lookup: always create.
    case none
    /// A named identifier; the value is read from the payload when not given.
    case identifier(String, value: JSONValue?)
    /// A data path; a declared identifier's path uses the index, any other is scanned.
    case path(JSONPath, value: JSONValue?)
    /// Fallback paths: the first holding a non-empty payload value wins.
    case paths([JSONPath])
    /// Records whose value at `source` equals `value` after `normalize`. Uses the index when the type
    /// declares an identifier on that source with an equivalent normalisation; otherwise scans (Kizen's
    /// case-insensitive lookup on a field the type keys exactly).
    case source(IdentifierSource, value: JSONValue, normalize: Normalization)
    /// The record with this id (the bulk API's `identifiers.id`); an unknown id is invalid, never created.
    case recordID(String)
}

/// An association target: a record id, or a record of a type found by its external id.
public enum AssociationTarget: Sendable, Equatable, CustomStringConvertible {
    case id(String)
    case externalID(type: String, value: String)

    /// The record id, once resolved.
    public var recordID: String? { if case .id(let id) = self { return id } else { return nil } }
    public var description: String {
        switch self {
        case .id(let id): return "record \"\(id)\""
        case .externalID(let type, let value): return "\(type) record with external id \"\(value)\""
        }
    }
}

public enum MergeMode: String, Sendable, CaseIterable { case patch, replace }
public enum ArchivedMatchMode: String, Sendable, CaseIterable {
    case prompt, unarchive, unarchive_update = "unarchive_update", overwrite
}
public enum ArchivedConflictMode: String, Sendable, CaseIterable { case error, overwrite }
public enum MultipleMatchesMode: String, Sendable, CaseIterable { case error, first }
public enum NoMatchMode: String, Sendable, CaseIterable { case create, skip }

/// The unified upsert request every dialect decodes to.
public struct UpsertRequest: Sendable, Equatable {
    public var type: String
    public var lookup: Lookup = .none
    public var name: FieldUpdate<String> = .absent
    public var externalID: FieldUpdate<String> = .absent
    /// The data payload (a JSON object), nil when the request carries none.
    public var data: JSONValue?
    public var parentID: FieldUpdate<String> = .absent
    public var associations: [AssociationTarget]?
    public var merge: MergeMode = .patch
    public var onArchivedMatch: ArchivedMatchMode = .prompt
    public var onArchivedConflict: ArchivedConflictMode = .error
    public var onMultipleMatches: MultipleMatchesMode = .error
    public var onNoMatch: NoMatchMode = .create
    public var expectedVersion: Int?
    public var idempotencyKey: String?
    /// A canonical text of the request used to compare idempotent replays.
    public var fingerprint: String = ""

    public init(type: String) { self.type = type }
}

/// Request-level limits (DESIGN §3).
public enum Limits {
    public static let maxBodyBytes = 1 << 20
    public static let maxNameLength = 255
    public static let maxAttributes = 500
    public static let maxAssociations = 10
    public static let maxBatch = 1000

    /// The refusal of a body over `maxBodyBytes` (413), for a transport that stops reading at the limit.
    public static let bodyTooLarge = RequestError(
        field: "body", "request body is over the 1 MiB limit (more than \(maxBodyBytes) bytes)", status: 413)

    /// Parses raw request body bytes: over 1 MiB is refused (413) before parsing, then invalid UTF-8
    /// and malformed JSON (naming line and column; nesting deeper than 512 levels is malformed) are 400s.
    public static func parseBody(_ bytes: [UInt8]) throws(RequestError) -> JSONValue {
        guard bytes.count <= maxBodyBytes else { throw bodyTooLarge }

        do { return try JSONValue.parse(bytes) } catch {
            throw RequestError(field: "body", "request body is not valid JSON: \(error.message)")
        }
    }

    /// True when `value`'s compact JSON text would be longer than `maxBodyBytes`; stops counting as
    /// soon as it is (a request built from an import array or an editor never passes through bytes).
    public static func exceedsBodySize(_ value: JSONValue) -> Bool {
        var budget = maxBodyBytes
        func spend(_ v: JSONValue) -> Bool {
            switch v {
            case .null, .bool, .int, .double: budget -= 24
            case .string(let s): budget -= s.utf8.count + 2
            case .array(let a):
                budget -= a.count + 2
                for e in a where budget >= 0 { if spend(e) { return true } }
            case .object(let o):
                budget -= o.count * 2 + 2
                for (k, e) in o where budget >= 0 {
                    budget -= k.utf8.count + 2
                    if spend(e) { return true }
                }
            }
            return budget < 0
        }
        return spend(value)
    }
}
