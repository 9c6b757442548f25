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

    /// Hashes the value only: a type has a few identifiers and keys of one identifier differ by value, so
    /// hashing the identifier's name too (a batch's key maps and sets hash each key about ten times) buys
    /// nothing. Equal keys still hash alike.
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

extension ObjectType {
    /// The names of identifiers whose keys keep ASCII capitals (`Normalization.keepsCase`).
    public var casedIdentifiers: Set<String> {
        Set(identifiers.lazy.filter(\.normalize.keepsCase).map(\.name))
    }

    /// How a write changes a record's identifier keys: the keys `new` holds, those it adds and those it
    /// drops (a new record, `old` nil, adds them all). When no identifier's raw value changed (most
    /// updates), the keys are worked out once.
    public func keyChanges(from old: Record?, to new: Record) -> KeyChanges {
        let newKeys = keys(of: new)
        guard let old else { return KeyChanges(keys: newKeys, added: newKeys, removed: []) }
        let same = identifiers.allSatisfy {
            $0.rawValue(name: old.name, externalID: old.externalID, data: old.data)
                == $0.rawValue(name: new.name, externalID: new.externalID, data: new.data)
        }
        if same { return KeyChanges(keys: newKeys, added: [], removed: []) }
        let oldKeys = keys(of: old)
        let oldSet = Set(oldKeys), newSet = Set(newKeys)
        return KeyChanges(
            keys: newKeys, added: newKeys.filter { !oldSet.contains($0) },
            removed: oldKeys.filter { !newSet.contains($0) })
    }

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

extension ObjectType {
    /// The record with its value for an identifier key moved aside: every value (or array element) whose
    /// normalised form is `key.value` becomes `<value><suffix>`, so the key is free for another record.
    public func movingAside(_ key: IdentifierKey, in record: Record, suffix: String) -> (Record, SideEffect?) {
        guard let id = identifier(named: key.identifier) else { return (record, nil) }
        var r = record
        func moved(_ v: JSONValue) -> JSONValue {
            guard id.normalize.apply(v) == key.value, let s = v.stringValue ?? (v.isNull ? nil : v.jsonText) else {
                return v
            }
            return .string(s + suffix)
        }
        let before = id.rawValue(name: r.name, externalID: r.externalID, data: r.data) ?? .null
        let after: JSONValue
        switch before {
        case .array(let items): after = .array(items.map(moved))
        default: after = moved(before)
        }
        switch id.source {
        case .name: r.name = after.stringValue
        case .externalID: r.externalID = after.stringValue
        case .data(let path): r.data = path.setting(after, in: r.data)
        }
        return (r, SideEffect(recordID: r.id, identifier: id.name, before: before, after: after))
    }
}
