/// What a records listing shows: one type, which archive state, in which order, through which filter.
public struct RecordQuery: Sendable, Equatable {
    public var type: String
    public var archived: ArchiveFilter
    public var sort: RecordSort
    public var filter: RecordFilter?
    public init(
        type: String, archived: ArchiveFilter = .active, sort: RecordSort = .inserted, filter: RecordFilter? = nil
    ) {
        self.type = type; self.archived = archived; self.sort = sort; self.filter = filter
    }
}

/// A value a listing is sorted by, as the store read it (the keyset cursor's first part).
public enum SortValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A row's position in its listing, the keyset cursor the next or previous page starts from.
public struct PageKey: Sendable, Equatable {
    /// The record's insertion sequence.
    public var seq: Int64
    /// The sort text (the name, or the matched identifier value under a prefix filter).
    public var text: String?
    /// Under a prefix filter: which identifier matched (its index; the type's identifiers, then the name).
    public var group: Int
    /// Under a sort by a column other than the name: the row's value of that column.
    public var value: SortValue?
    public init(seq: Int64, text: String? = nil, group: Int = 0, value: SortValue? = nil) {
        self.seq = seq; self.text = text; self.group = group; self.value = value
    }
}

/// One row of a listing.
public struct ListedRecord: Sendable {
    public var record: Record
    public var key: PageKey
    /// Under a prefix filter: the identifier that matched and its value.
    public var matched: String?
    /// A line of a file being opened, read from the file before its import stored it: its number as an
    /// editor shows it (1-based, blank lines counted). Shown, but not yet a record to open, mark or change.
    public var fileLine: Int?
    /// Why the import will refuse that line (the row's name says it too).
    public var problem: String?
    public init(
        record: Record, key: PageKey, matched: String? = nil, fileLine: Int? = nil, problem: String? = nil
    ) {
        self.record = record; self.key = key; self.matched = matched; self.fileLine = fileLine
        self.problem = problem
    }
}

/// Which way a page is read from its cursor.
public enum PageDirection: Sendable { case forward, backward }

/// How many rows a listing has: exact, or "at least" when counting stopped at a cap (a filter's matches
/// are counted up to 10,000).
public struct RowCount: Sendable, Equatable {
    public var value: Int
    public var isCapped: Bool
    public init(_ value: Int, isCapped: Bool = false) { self.value = value; self.isCapped = isCapped }

    /// Filters count their matches up to this many, then say "10,000+".
    public static let filterCap = 10_000

    /// `137` or `10,000+`.
    public var label: String {
        isCapped ? Self.grouped(Self.filterCap) + "+" : Self.grouped(value)
    }

    /// An integer with thousands separators (`1,234,567`).
    public static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
