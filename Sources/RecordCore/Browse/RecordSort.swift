/// A column a listing can be sorted by (besides insertion order).
public enum SortColumn: Sendable, Hashable, CustomStringConvertible {
    /// The record's name (case-insensitively; records without a name first).
    case name
    case externalID
    case updated
    /// A value in `data` (missing and null values first; numbers before text, as SQLite orders them).
    case path(JSONPath)

    public var description: String {
        switch self {
        case .name: return "name"
        case .externalID: return "external_id"
        case .updated: return "updated"
        case .path(let p): return p.description
        }
    }

    /// The data path sorted by, if any.
    public var path: JSONPath? { if case .path(let p) = self { return p } else { return nil } }

}

/// The order a records listing pages through: insertion order, or a column, either way; ties in
/// insertion order.
public struct RecordSort: Sendable, Hashable {
    /// The column, or nil for insertion order.
    public var column: SortColumn?
    public var descending: Bool
    public init(_ column: SortColumn?, descending: Bool = false) { self.column = column; self.descending = descending }

    /// Insertion order (oldest first).
    public static let inserted = RecordSort(nil)
    /// Insertion order, newest first.
    public static let newest = RecordSort(nil, descending: true)
    /// Name A→Z (records without a name first), then insertion order.
    public static let name = RecordSort(.name)
    /// Name Z→A.
    public static let nameDescending = RecordSort(.name, descending: true)

    /// The orders `s` cycles through when the column cursor is not on a sortable column.
    public static let allCases: [RecordSort] = [.inserted, .newest, .name, .nameDescending]

    /// The label the Records view shows.
    public var label: String {
        switch column {
        case nil: return descending ? "newest first" : "oldest first"
        case .name?: return descending ? "name Z→A" : "name A→Z"
        case let c?: return "\(c) \(descending ? "↓" : "↑")"
        }
    }

    /// The next order in the cycle the `s` key steps through.
    public var next: RecordSort {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? -1) + 1) % all.count]
    }
}
