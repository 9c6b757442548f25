import Foundation

/// The order a records listing pages through.
public enum RecordSort: String, Sendable, CaseIterable {
    /// Insertion order (oldest first).
    case inserted
    /// Insertion order, newest first.
    case newest
    /// Name A→Z (records without a name first), then insertion order.
    case name
    /// Name Z→A.
    case nameDescending = "name_desc"

    /// The label the Records view shows.
    public var label: String {
        switch self {
        case .inserted: return "oldest first"
        case .newest: return "newest first"
        case .name: return "name A→Z"
        case .nameDescending: return "name Z→A"
        }
    }

    /// The next order in the cycle the `s` key steps through.
    public var next: RecordSort {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// A filter typed after `/`: a prefix of any identifier value (and of the name), or `path = value`.
public enum RecordFilter: Sendable, Equatable, CustomStringConvertible {
    /// Records whose identifier value (after that identifier's normalisation) or name starts with the text.
    case prefix(String)
    /// Records whose value at a data path equals a scalar (JSON when it parses, else the text as a string).
    case equals(JSONPath, JSONValue)
    /// Records whose `name` or `external_id` column equals the text.
    case column(String, String)

    /// Parses the filter text: `path = value` (a `$` path, or `name` / `external_id`), else a prefix.
    public static func parse(_ text: String) throws(RecordFilterError) -> RecordFilter? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        guard let eq = trimmed.firstIndex(of: "=") else { return .prefix(trimmed) }
        let lhs = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
        let rhs = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        if lhs == "name" || lhs == "external_id" { return .column(lhs, rhs) }
        guard lhs.hasPrefix("$") else {
            throw RecordFilterError(message: "\"\(lhs)\" is not a path: write `$.field = value`, `name = value` or `external_id = value`")
        }
        let path: JSONPath
        do { path = try JSONPath(parsing: lhs) } catch { throw RecordFilterError(message: error.description) }
        guard !path.segments.isEmpty else { throw RecordFilterError(message: "filter on a field below `$`, e.g. `$.email = a@b.example`") }
        let value = (try? JSONValue.parse(rhs)) ?? .string(rhs)
        switch value {
        case .object, .array: throw RecordFilterError(message: "a filter compares one value (string, number, true/false, null), not an object or array")
        default: return .equals(path, value)
        }
    }

    public var description: String {
        switch self {
        case .prefix(let p): return p + "…"
        case .equals(let path, let v): return "\(path) = \(v.jsonText)"
        case .column(let c, let v): return "\(c) = \(v)"
        }
    }
}

/// Why a filter could not be read.
public struct RecordFilterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// What a records listing shows: one type, which archive state, in which order, through which filter.
public struct RecordQuery: Sendable, Equatable {
    public var type: String
    public var archived: ArchiveFilter
    public var sort: RecordSort
    public var filter: RecordFilter?
    public init(type: String, archived: ArchiveFilter = .active, sort: RecordSort = .inserted, filter: RecordFilter? = nil) {
        self.type = type; self.archived = archived; self.sort = sort; self.filter = filter
    }
}

/// A row's position in its listing, the keyset cursor the next or previous page starts from.
public struct PageKey: Sendable, Equatable {
    /// The record's insertion sequence.
    public var seq: Int64
    /// The sort text (the name, or the matched identifier value under a prefix filter).
    public var text: String?
    /// Under a prefix filter: which identifier matched (its index; the type's identifiers, then the name).
    public var group: Int
    public init(seq: Int64, text: String? = nil, group: Int = 0) { self.seq = seq; self.text = text; self.group = group }
}

/// One row of a listing.
public struct ListedRecord: Sendable {
    public var record: Record
    public var key: PageKey
    /// Under a prefix filter: the identifier that matched and its value.
    public var matched: String?
    public init(record: Record, key: PageKey, matched: String? = nil) { self.record = record; self.key = key; self.matched = matched }
}

/// Which way a page is read from its cursor.
public enum PageDirection: Sendable { case forward, backward }
