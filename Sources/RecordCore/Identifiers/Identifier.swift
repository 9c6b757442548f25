/// Where an identifier's value lives in a record.
public enum IdentifierSource: Hashable, Sendable, CustomStringConvertible {
    case name
    case externalID
    case data(JSONPath)

    /// Parses `name`, `external_id` or a JSONPath into `data`.
    public init(parsing text: String) throws(JSONPathError) {
        switch text {
        case "name": self = .name
        case "external_id": self = .externalID
        default: self = .data(try JSONPath(parsing: text))
        }
    }

    public var description: String {
        switch self {
        case .name: return "name"
        case .externalID: return "external_id"
        case .data(let p): return p.description
        }
    }
}

/// A named identifier of a type: values at `source`, compared after `normalize`.
public struct Identifier: Hashable, Sendable {
    public var name: String
    public var source: IdentifierSource
    public var normalize: Normalization
    public init(name: String, source: IdentifierSource, normalize: Normalization) {
        self.name = name; self.source = source; self.normalize = normalize
    }

    /// The raw value this identifier reads from a record's fields (nil when absent).
    public func rawValue(name recordName: String?, externalID: String?, data: JSONValue) -> JSONValue? {
        switch source {
        case .name: return recordName.map(JSONValue.string)
        case .externalID: return externalID.map(JSONValue.string)
        case .data(let path): return path.value(in: data)
        }
    }

    /// Normalised keys of a raw value: one per element for an array (multi-valued), none for empty values.
    public func keys(of raw: JSONValue?) -> [String] {
        guard let raw else { return [] }
        if case .array(let items) = raw {
            var seen = Set<String>()
            return items.compactMap { normalize.apply($0) }.filter { seen.insert($0).inserted }
        }
        return normalize.apply(raw).map { [$0] } ?? []
    }
}

/// One entry of the keys table: (identifier, normalised value).
public struct IdentifierKey: Hashable, Sendable {
    public var identifier: String
    public var value: String
    public init(identifier: String, value: String) { self.identifier = identifier; self.value = value }
}

extension ObjectType {
    /// Every identifier key a record holds.
    public func keys(of record: Record) -> [IdentifierKey] {
        var out: [IdentifierKey] = []
        for id in identifiers {
            for v in id.keys(of: id.rawValue(name: record.name, externalID: record.externalID, data: record.data)) {
                out.append(IdentifierKey(identifier: id.name, value: v))
            }
        }
        return out
    }
}
