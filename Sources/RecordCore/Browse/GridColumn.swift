/// A column of the Records grid and of `recdeck export --columns`: a record attribute or a value in `data`.
public enum GridColumn: Sendable, Hashable, CustomStringConvertible {
    case name
    case id
    case externalID
    /// `active` or `archived`.
    case state
    case created
    case updated
    case version
    case parent
    /// A value in `data`.
    case path(JSONPath)

    /// The attributes every record has, by the key views.toml and `--columns` use.
    public static let attributes: [GridColumn] = [
        .name, .id, .externalID, .state, .created, .updated, .version, .parent,
    ]

    /// The key views.toml and `--columns` use: `name`, `id`, `external_id`, `state`, `created`, `updated`,
    /// `version`, `parent`, or a data path `$.email`.
    public var key: String {
        switch self {
        case .name: return "name"
        case .id: return "id"
        case .externalID: return "external_id"
        case .state: return "state"
        case .created: return "created"
        case .updated: return "updated"
        case .version: return "version"
        case .parent: return "parent"
        case .path(let p): return p.description
        }
    }

    public var description: String { key }

    /// The header the grid shows: the key in capitals, a path without its `$.`.
    public var header: String {
        switch self {
        case .path(let p): return String(p.description.dropFirst(p.description.hasPrefix("$.") ? 2 : 1)).uppercased()
        case .version: return "V"
        default: return key.uppercased()
        }
    }

    /// Reads a column key: an attribute, a `$` path, or a bare field key (`email` is `$.email`). For a
    /// type that declares fields, a path must start at a declared field; an unknown key is refused by name.
    public init(key text: String, type: ObjectType?) throws(GridColumnError) {
        let t = text.trimmed
        if let a = Self.attributes.first(where: { $0.key == t }) { self = a; return }
        let pathText = t.hasPrefix("$") ? t : "$." + t
        let path: JSONPath
        do { path = try JSONPath(parsing: pathText) } catch {
            let known = Self.attributes.map(\.key).joined(separator: ", ")
            throw GridColumnError(
                "unknown column \"\(t)\": not an attribute (\(known)) and not a path (\(error.reason))")
        }
        guard case .key(let first)? = path.segments.first else {
            throw GridColumnError("unknown column \"\(t)\": a column path names a field below `$`, e.g. `$.email`")
        }
        if let type, !type.fields.isEmpty, type.field(first) == nil {
            throw GridColumnError(
                "unknown column \"\(t)\": \(type.key) declares \(type.fields.map(\.key).joined(separator: ", "))")
        }
        self = .path(path)
    }

    /// The column's value in a record (nil when absent).
    public func value(of r: Record) -> JSONValue? {
        switch self {
        case .name: return r.name.map(JSONValue.string)
        case .id: return .string(r.id)
        case .externalID: return r.externalID.map(JSONValue.string)
        case .state: return .string(r.archived ? "archived" : "active")
        case .created: return .string(Timestamp.format(r.createdAt))
        case .updated: return .string(Timestamp.format(r.updatedAt))
        case .version: return .int(Int64(r.version))
        case .parent: return r.parentID.map(JSONValue.string)
        case .path(let p): return p.value(in: r.data)
        }
    }

    /// The value as one compact line: strings as themselves, `{…}` for an object, `[n]` for an array
    /// (followed by its items when they are all scalars), nothing when absent.
    public func text(of r: Record) -> String {
        value(of: r).map(Self.compact) ?? ""
    }

    /// A JSON value as one compact line (see `text(of:)`).
    public static func compact(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .object(let o): return o.isEmpty ? "{}" : "{…}"
        case .array(let a):
            guard !a.isEmpty else { return "[]" }
            if a.allSatisfy({ $0.objectValue == nil && $0.arrayValue == nil }) {
                return "[\(a.count)] " + a.map { $0.plainText }.joined(separator: ", ")
            }
            return "[\(a.count)]"
        default: return v.jsonText
        }
    }

    /// True for numbers (right-aligned in the grid).
    public static func isNumeric(_ v: JSONValue?) -> Bool {
        switch v {
        case .int?, .double?: return true;
        default: return false
        }
    }

    /// The order this column sorts by, when it can be sorted.
    public var sortColumn: SortColumn? {
        switch self {
        case .name: return .name
        case .externalID: return .externalID
        case .updated: return .updated
        case .path(let p): return .path(p)
        case .created, .id, .state, .version, .parent: return nil
        }
    }

    /// What a `~text` filter on this column compares, when it can.
    public var filterTarget: FilterTarget? {
        switch self {
        case .name: return .name
        case .externalID: return .externalID
        case .path(let p): return .path(p)
        default: return nil
        }
    }

    /// The grid's columns for a type (DESIGN §6): the name (then `state` when archived rows are shown, so
    /// it is in view), the declared fields in order (a schemaless type: the top-level keys of `sample`, in
    /// the order first seen), the identifiers that are not fields (those empty on every sampled record left
    /// out), and `updated`.
    public static func defaults(for type: ObjectType, sample: [Record], showingArchived: Bool) -> [GridColumn] {
        var columns: [GridColumn] = showingArchived ? [.name, .state] : [.name]
        var seen: Set<String> = []
        if type.fields.isEmpty {
            for r in sample {
                for k in (r.data.objectValue ?? [:]).keys.sorted() where seen.insert(k).inserted {
                    columns.append(.path(JSONPath(segments: [.key(k)])))
                }
            }
        } else {
            for f in type.fields {
                seen.insert(f.key)
                columns.append(.path(JSONPath(segments: [.key(f.key)])))
            }
        }
        for id in type.identifiers {
            let column: GridColumn
            switch id.source {
            case .name: continue
            case .externalID: column = .externalID
            case .data(let p):
                if case .key(let k)? = p.segments.first, p.segments.count == 1, seen.contains(k) { continue }
                column = .path(p)
            }
            guard !columns.contains(column),
                sample.contains(where: { column.value(of: $0).map { !$0.isEmptyValue } ?? false })
            else {
                continue
            }
            columns.append(column)
        }
        columns.append(.updated)
        return columns
    }
}

/// Why a column key was refused.
public struct GridColumnError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
