import RecordCore

/// A sliding window over a listing: holds at most `maxRows` rows around the cursor and fetches pages by
/// keyset cursor as the cursor moves, so a type of any size is never loaded whole.
public final class RecordWindow {
    let backend: any RecordBackend
    public private(set) var query: RecordQuery
    public private(set) var rows: [ListedRecord] = []
    /// The cursor, as an index into `rows`.
    public private(set) var cursor = 0
    /// The first visible row, as an index into `rows`.
    public var offset = 0
    public private(set) var atStart = true
    public private(set) var atEnd = true
    /// The position of `rows[0]` in the whole listing, when known.
    public private(set) var firstIndex: Int? = 0
    /// The number of rows the listing has (a filter's matches counted up to 10,000).
    /// A filter's count comes later, from a background count (`countArrived`): paging never waits for it.
    public private(set) var total: RowCount?
    let pageSize: Int
    let maxRows: Int

    public init(backend: any RecordBackend, query: RecordQuery, pageSize: Int = 100, maxRows: Int = 600) {
        self.backend = backend; self.query = query; self.pageSize = pageSize; self.maxRows = maxRows
    }

    public var current: ListedRecord? { rows.indices.contains(cursor) ? rows[cursor] : nil }

    /// The cursor's position in the whole listing (1-based), when known.
    public var position: Int? { firstIndex.map { $0 + cursor + 1 } }

    /// Counts at once when the count is kept (no filter); a filter's count is left to the view's background job.
    private func recount() throws {
        if query.filter == nil { total = try backend.count(query) }
    }

    /// A filter's count, counted in the background for this query.
    public func countArrived(_ count: RowCount, for counted: RecordQuery) {
        guard counted == query else { return }
        total = count
        if atStart { firstIndex = 0 } else if atEnd, !count.isCapped { firstIndex = count.value - rows.count }
    }

    /// Shows another query from its first row.
    public func reset(_ query: RecordQuery) throws {
        if query != self.query { total = nil }
        self.query = query
        try loadFirst()
    }

    /// Loads the first page.
    public func loadFirst() throws {
        try recount()
        rows = try backend.page(query, from: nil, direction: .forward, limit: pageSize)
        cursor = 0; offset = 0; firstIndex = 0; atStart = true
        atEnd = rows.count < pageSize
    }

    /// Loads the last page and puts the cursor on the last row.
    public func loadLast() throws {
        try recount()
        rows = try backend.page(query, from: nil, direction: .backward, limit: pageSize)
        atEnd = true
        atStart = rows.count < pageSize
        firstIndex = atStart ? 0 : total.flatMap { $0.isCapped ? nil : $0.value - rows.count }
        cursor = max(0, rows.count - 1)
        offset = 0  // the view scrolls so the last row sits at the bottom
    }

    /// Re-reads the rows around the cursor's record (after a write), keeping the cursor on it when it
    /// is still listed.
    public func reload() throws {
        guard let key = current?.key else { try loadFirst(); return }
        let screenRow = cursor - offset, oldIndex = firstIndex.map { $0 + cursor }
        try recount()
        let half = max(1, pageSize / 2)
        let before = try backend.page(query, from: key, direction: .backward, limit: half)
        let after = try backend.page(query, from: before.last?.key, direction: .forward, limit: pageSize)
        rows = before + after
        atStart = before.count < half
        atEnd = after.count < pageSize
        firstIndex = atStart ? 0 : oldIndex.map { $0 - before.count }
        cursor = max(0, min(rows.count - 1, before.count))
        offset = max(0, cursor - screenRow)
    }

    /// Moves the cursor, fetching pages at either end as needed.
    public func move(by delta: Int) throws {
        var target = cursor + delta
        while target >= rows.count, !atEnd { target -= try fetchForward() }
        while target < 0, !atStart {
            let added = try fetchBackward()
            target += added
            if added == 0 { break }
        }
        cursor = max(0, min(rows.count - 1, target))
        if rows.isEmpty { cursor = 0 }
    }

    /// Appends the next page; returns how many rows were dropped from the front to stay within `maxRows`.
    private func fetchForward() throws -> Int {
        let page = try backend.page(query, from: rows.last?.key, direction: .forward, limit: pageSize)
        rows += page
        if page.count < pageSize { atEnd = true }
        if rows.count > maxRows {
            let drop = rows.count - maxRows
            rows.removeFirst(drop)
            cursor -= drop; offset = max(0, offset - drop)
            firstIndex = firstIndex.map { $0 + drop }
            atStart = false
            return drop
        }
        return 0
    }

    @discardableResult
    private func fetchBackward() throws -> Int {
        let page = try backend.page(query, from: rows.first?.key, direction: .backward, limit: pageSize)
        rows = page + rows
        cursor += page.count; offset += page.count
        if page.count < pageSize {
            atStart = true; firstIndex = 0
        } else {
            firstIndex = firstIndex.map { $0 - page.count }
        }
        if rows.count > maxRows {
            rows.removeLast(rows.count - maxRows)
            atEnd = false
        }
        return page.count
    }
}
