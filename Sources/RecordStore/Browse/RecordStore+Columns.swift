import Foundation
import GRDB
import RecordCore

/// Column work for the Records grid: sort indexes built on demand and kept, and value frequencies.
extension RecordStore {
    /// True when paging in `column`'s order reads an index (the name's always exists).
    public func hasSortIndex(_ column: SortColumn) throws -> Bool {
        try read { db in try Self.hasIndex(RecordSort(column), db) }
    }

    /// Builds the expression index a sort by `column` pages through, once; it is kept, so the next sort by
    /// that column is instant. One statement in one transaction: `interrupt()` cancels it and leaves nothing.
    public func buildSortIndex(_ column: SortColumn) throws {
        let sql = try BrowseSQL.createSortIndex(column)
        try writeTransaction("building a sort index") { db in try db.execute(sql: sql) }
    }

    /// Drops the index a sort by `column` built (the name's is kept), e.g. to measure a fresh build; a
    /// later sort builds it again.
    public func dropSortIndex(_ column: SortColumn) throws {
        guard column != .name else { return }
        let name = try BrowseSQL.sortIndexName(column)
        try writeTransaction("dropping a sort index") { db in try db.execute(sql: "DROP INDEX IF EXISTS \"\(name)\"") }
    }

    /// Stops the statement running on the writer (a sort index being built), which then throws.
    public func interrupt() { writer.interrupt() }

    /// How often each value of a column occurs among a listing's rows (its filter applied), the most
    /// frequent first. Counted in chunks of the insertion sequence so `progress` can report and cancel
    /// (returning false; the result is then nil). More than `distinctLimit` distinct values switch to one
    /// GROUP BY in SQLite, so memory stays bounded; at most `keep` values are returned.
    public func frequencies(
        of column: GridColumn, in query: RecordQuery, keep: Int = 1000, distinctLimit: Int = 100_000,
        chunk: Int64 = 50_000, progress: (Double) -> Bool = { _ in true }
    ) throws -> FrequencyTable? {
        let expr = try BrowseSQL.jsonExpression(column)
        return try read { db in
            guard try objectType(query.type, db) != nil else {
                throw StoreError.notFound("unknown object type \"\(query.type)\"")
            }
            let (where_, args) = try listingCondition(query, db)
            // Each bound read from one end of one archive state's range of the insertion index.
            let bounds = try Row.fetchOne(
                db,
                sql: """
                    SELECT min(lo) AS lo, max(hi) AS hi FROM (
                        SELECT (SELECT min(seq) FROM records WHERE type = ?1 AND archived = 0) AS lo,
                               (SELECT max(seq) FROM records WHERE type = ?1 AND archived = 0) AS hi
                        UNION ALL
                        SELECT (SELECT min(seq) FROM records WHERE type = ?1 AND archived = 1),
                               (SELECT max(seq) FROM records WHERE type = ?1 AND archived = 1))
                    """, arguments: [query.type])
            guard let lo: Int64 = bounds?["lo"], let hi: Int64 = bounds?["hi"] else {
                return FrequencyTable(rows: [], total: 0, distinct: 0)
            }
            var counts: [String?: Int] = [:]
            var start = lo
            while start <= hi {
                let end = start + chunk - 1
                var chunkArgs = args
                _ = chunkArgs.append(contentsOf: [start, end])
                let sql =
                    "SELECT \(expr) AS v, count(*) AS n FROM records WHERE \(where_) AND seq BETWEEN ? AND ? GROUP BY v"
                for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: chunkArgs) {
                    counts[row["v"] as String?, default: 0] += row["n"] as Int
                }
                start = end + 1
                if counts.count > distinctLimit { break }
                guard progress(Double(min(start, hi) - lo) / Double(max(1, hi - lo))) else { return nil }
            }
            if counts.count > distinctLimit {
                // Too many distinct values to hold: one GROUP BY, SQLite sorting in its temporary store.
                _ = progress(0.99)
                let sql = "SELECT \(expr) AS v, count(*) AS n FROM records WHERE \(where_) GROUP BY v"
                let total =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE \(where_)", arguments: args) ?? 0
                let distinct = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql))", arguments: args) ?? 0
                let top = try Row.fetchAll(db, sql: sql + " ORDER BY n DESC, v LIMIT ?", arguments: args + [keep])
                return FrequencyTable(
                    rows: top.map { FrequencyTable.Row(value: Self.parsedJSON($0["v"]), count: $0["n"]) },
                    total: total, distinct: distinct)
            }
            let total = counts.values.reduce(0, +)
            let sorted = counts.sorted { a, b in a.value != b.value ? a.value > b.value : (a.key ?? "") < (b.key ?? "")
            }
            return FrequencyTable(
                rows: sorted.prefix(keep).map { FrequencyTable.Row(value: Self.parsedJSON($0.key), count: $0.value) },
                total: total, distinct: counts.count)
        }
    }

    private static func parsedJSON(_ text: String?) -> JSONValue? {
        text.flatMap { try? JSONValue.parse($0) }
    }

    /// A record's children (records whose parent it is), oldest first.
    public func children(of id: String, limit: Int = 200) throws -> [Record] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(RecordRow.columns) FROM records WHERE parent_id = ? ORDER BY seq LIMIT ?",
                arguments: [id, limit]
            )
            .map(RecordRow.record)
        }
    }

    /// The records that list `id` among their associations (the other side of an association), oldest first.
    public func associated(to id: String, limit: Int = 200) throws -> [Record] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(RecordRow.joinedColumns)
                    FROM associations a JOIN records r ON r.id = a.from_id WHERE a.to_id = ? ORDER BY r.seq LIMIT ?
                    """, arguments: [id, limit]
            ).map(RecordRow.record)
        }
    }

    /// Calls `body` with every row of a listing, in its order and through its filter, a page at a time
    /// (export). `body` returns false to stop.
    public func forEachRow(_ query: RecordQuery, pageSize: Int = 1000, _ body: (ListedRecord) throws -> Bool) throws {
        var key: PageKey?
        while true {
            let rows = try page(query, from: key, direction: .forward, limit: pageSize)
            for r in rows { guard try body(r) else { return } }
            guard rows.count == pageSize else { return }
            key = rows.last?.key
        }
    }
}
