import Foundation
import GRDB
import RecordCore

/// Keyset paging for the Records view: every page is one indexed range read from a cursor, so a type of
/// any size is never loaded whole, and the last page costs what the first does.
extension RecordStore {
    /// Up to `limit` rows of `query` after (forward) or before (backward) `key`, in display order. A nil
    /// key starts at the first row (forward) or the last (backward).
    public func page(_ query: RecordQuery, from key: PageKey?, direction: PageDirection = .forward, limit: Int) throws
        -> [ListedRecord]
    {
        try read { db in
            // Only a prefix filter needs the schema (its identifiers); other pages never parse it.
            if case .prefix(let text) = query.filter {
                guard let type = try objectType(query.type, db) else { return [] }
                return try prefixPage(query, type: type, text: text, from: key, direction: direction, limit: limit, db)
            }
            return try orderedPage(query, from: key, direction: direction, limit: limit, db)
        }
    }

    /// How many rows `query` lists: the type's counts without a filter (kept by triggers: no scan), else
    /// the matches counted up to `RowCount.filterCap`.
    public func count(_ query: RecordQuery) throws -> RowCount? {
        guard query.filter != nil else {
            guard let c = try counts(type: query.type) else { return nil }
            switch query.archived {
            case .active: return RowCount(c.active)
            case .archived: return RowCount(c.archived)
            case .all: return RowCount(c.active + c.archived)
            }
        }
        return try read { db in
            let cap = RowCount.filterCap
            var n = 0
            if case .prefix(let text) = query.filter {
                guard let type = try objectType(query.type, db) else { return nil }
                for group in Self.prefixGroups(type: type, text: text) where n <= cap {
                    var (sql, args) = Self.prefixSelect(group, type: type, archived: query.archived, columns: "1")
                    sql += " LIMIT ?"
                    _ = args.append(contentsOf: [cap + 1 - n])
                    n += try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql))", arguments: args) ?? 0
                }
            } else {
                var (condition, args) = try listingCondition(query, db)
                _ = args.append(contentsOf: [cap + 1])
                let sql = "SELECT 1 FROM records \(BrowseSQL.insertionIndex) WHERE \(condition) LIMIT ?"
                n = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql))", arguments: args) ?? 0
            }
            return n > cap ? RowCount(cap, isCapped: true) : RowCount(n)
        }
    }

    /// Insertion order or a column's order, with an optional filter as a residual condition.
    private func orderedPage(
        _ query: RecordQuery, from key: PageKey?, direction: PageDirection, limit: Int, _ db: Database
    ) throws -> [ListedRecord] {
        let (sql, args, sorted) = try Self.orderedSelect(
            query, from: key, direction: direction, limit: limit, indexed: try Self.hasIndex(query.sort, db))
        let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: args).map { row in
            let value: SortValue? = sorted ? BrowseSQL.sortValue(row[1]) : nil
            return ListedRecord(record: try RecordRow.record(row, at: 2), key: PageKey(seq: row[0], value: value))
        }
        return direction == .forward ? rows : rows.reversed()
    }

    /// `EXPLAIN QUERY PLAN` of a query's first page (each prefix group's), for checking index use.
    public func explain(_ query: RecordQuery) throws -> String {
        try read { db in
            var selects: [(String, StatementArguments)] = []
            if case .prefix(let text) = query.filter {
                guard let type = try objectType(query.type, db) else { return "" }
                selects = Self.prefixGroups(type: type, text: text).map {
                    Self.prefixSelect($0, type: type, archived: query.archived, columns: "r.id")
                }
            } else {
                let (sql, args, _) = try Self.orderedSelect(
                    query, from: nil, direction: .forward, limit: 100, indexed: try Self.hasIndex(query.sort, db))
                selects = [(sql, args)]
            }
            return try selects.flatMap { sql, args in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: args).map { $0["detail"] as String }
            }.joined(separator: "\n")
        }
    }

    /// True when the index a sort pages through exists (a read-only store sorts without one, by scanning).
    static func hasIndex(_ sort: RecordSort, _ db: Database) throws -> Bool {
        guard let column = sort.column else { return true }
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'index' AND name = ?"),
            arguments: [try BrowseSQL.sortIndexName(column)]) ?? false
    }

    /// `type = ? AND …`: the rows a listing shows, whatever its order — its archive state and filter; a
    /// prefix filter as the ids of its groups' index ranges.
    func listingCondition(_ query: RecordQuery, _ db: Database) throws -> (String, StatementArguments) {
        var sql = "type = ?" + BrowseSQL.archivedClause(query.archived)
        var args: StatementArguments = [query.type]
        if case .prefix(let text)? = query.filter {
            guard let type = try objectType(query.type, db) else { return ("0", []) }
            let selects = Self.prefixGroups(type: type, text: text).map {
                Self.prefixSelect($0, type: type, archived: query.archived, columns: "r.id")
            }
            sql += " AND id IN (" + selects.map(\.0).joined(separator: " UNION ALL ") + ")"
            for s in selects { args += s.1 }
        } else {
            let (condition, conditionArgs) = try BrowseSQL.filterCondition(query.filter, typeKey: query.type)
            sql += condition
            args += conditionArgs
        }
        return (sql, args)
    }

    /// The SQL of one ordered page, its arguments, and whether it is sorted by a column (`kval`).
    private static func orderedSelect(
        _ query: RecordQuery, from key: PageKey?, direction: PageDirection, limit: Int, indexed: Bool
    ) throws -> (String, StatementArguments, Bool) {
        let ascending = !query.sort.descending == (direction == .forward)
        let op = ascending ? ">" : "<", order = ascending ? "ASC" : "DESC"
        var sql: String, args: StatementArguments
        if query.sort.column == nil, query.archived == .all {
            // Every record in insertion order: the insertion index's active range and archived range, merged
            // by SQLite as it reads them (no sort; it stops at the limit).
            var active = query, archived = query
            active.archived = .active
            archived.archived = .archived
            let (first, firstArgs, _) = try rangeSelect(active, from: key, op: op, indexed: indexed)
            let (second, secondArgs, _) = try rangeSelect(archived, from: key, op: op, indexed: indexed)
            (sql, args) = (first + " UNION ALL " + second, firstArgs + secondArgs)
            sql += " ORDER BY seq \(order)"
        } else {
            let sortExpr: String?
            (sql, args, sortExpr) = try rangeSelect(query, from: key, op: op, indexed: indexed)
            sql += sortExpr.map { " ORDER BY \($0) \(order), seq \(order)" } ?? " ORDER BY seq \(order)"
        }
        sql += " LIMIT ?"
        _ = args.append(contentsOf: [limit])
        return (sql, args, query.sort.column != nil)
    }

    /// The rows of a page's index range after `key` (`op` is `>` or `<`), before its order and limit, with
    /// the sort expression it ranges over (nil: insertion order).
    private static func rangeSelect(_ query: RecordQuery, from key: PageKey?, op: String, indexed: Bool) throws -> (
        String, StatementArguments, String?
    ) {
        let sortExpr = try query.sort.column.map(BrowseSQL.sortExpression)
        // Insertion order names its index: sort indexes also start with `type`, and without statistics
        // SQLite could pick one and sort the whole type.
        let index =
            try query.sort.column.map { "INDEXED BY \"\(try BrowseSQL.sortIndexName($0))\"" }
            ?? BrowseSQL.insertionIndex
        var sql =
            "SELECT seq, \(sortExpr ?? "NULL") AS kval, \(RecordRow.columns) FROM records \(sortExpr == nil || indexed ? index : "") WHERE type = ?"
        var args: StatementArguments = [query.type]
        sql += BrowseSQL.archivedClause(query.archived)
        let (condition, conditionArgs) = try BrowseSQL.filterCondition(query.filter, typeKey: query.type)
        sql += condition
        args += conditionArgs
        if let key {
            if let sortExpr {
                sql += " AND (\(sortExpr), seq) \(op) (?, ?)"
                _ = args.append(contentsOf: [BrowseSQL.databaseValue(key.value), key.seq])
            } else {
                sql += " AND seq \(op) ?"
                _ = args.append(contentsOf: [key.seq])
            }
        }
        return (sql, args, sortExpr)
    }

    /// One group of a prefix filter: an identifier's keys (normalised as it normalises), or the name.
    struct PrefixGroup {
        var label: String
        var identifier: String?
        var prefix: String
        /// The identifier's keys keep ASCII capitals: they are read from the NOCASE index; the others
        /// (lowercase, or digits) sort alike in the keys' primary key, and are read from it.
        var cased = false

        /// How this group's keys are ordered: by `(value NOCASE, value)`, which for keys with no capitals is
        /// the value alone.
        func keyOrder(_ order: String) -> String {
            cased ? "k.value COLLATE NOCASE \(order), k.value \(order)" : "k.value \(order)"
        }

        /// Keys after (or before) `text` in `keyOrder`, with its arguments.
        func keyAfter(_ op: String, _ text: String) -> (String, [String]) {
            cased
                ? (" AND (k.value COLLATE NOCASE, k.value) \(op) (?, ?)", [text, text])
                : (" AND k.value \(op) ?", [text])
        }
    }

    /// The groups a prefix is looked up in: the type's identifiers, then the name unless an identifier covers it.
    static func prefixGroups(type: ObjectType, text: String) -> [PrefixGroup] {
        var groups = type.identifiers.compactMap { id in
            id.normalize.apply(text).map {
                PrefixGroup(label: id.name, identifier: id.name, prefix: $0, cased: id.normalize.keepsCase)
            }
        }
        if !type.identifiers.contains(where: { $0.source == .name }) {
            groups.append(PrefixGroup(label: "name", identifier: nil, prefix: text))
        }
        return groups
    }

    /// The rows of one prefix group, case-insensitively (NOCASE folds ASCII), in index order: identifier
    /// keys by `(value NOCASE, value)` (the value alone where keys have no capitals), names by
    /// `(name NOCASE, seq)`.
    static func prefixSelect(_ group: PrefixGroup, type: ObjectType, archived: ArchiveFilter, columns: String) -> (
        String, StatementArguments
    ) {
        let upper = group.prefix + "\u{10FFFF}"
        if let identifier = group.identifier, group.cased {
            let sql =
                "SELECT \(columns) FROM record_keys k INDEXED BY record_keys_nocase JOIN records r ON r.seq = k.record_seq"
                + " WHERE k.type = ? AND k.identifier = ? AND k.cased = 1"
                + " AND k.value COLLATE NOCASE >= ? AND k.value COLLATE NOCASE < ?"
                + BrowseSQL.archivedClause(archived, column: "r.archived")
            return (sql, [type.key, identifier, group.prefix, upper])
        }
        if let identifier = group.identifier {
            let sql =
                "SELECT \(columns) FROM record_keys k JOIN records r ON r.seq = k.record_seq"
                + " WHERE k.type = ? AND k.identifier = ? AND k.value >= ? AND k.value < ?"
                + BrowseSQL.archivedClause(archived, column: "r.archived")
            return (sql, [type.key, identifier, group.prefix, upper])
        }
        let sql =
            "SELECT \(columns) FROM records r INDEXED BY records_by_type_name WHERE r.type = ? AND r.name IS NOT NULL"
            + " AND ifnull(r.name, '') COLLATE NOCASE >= ?"
            + " AND ifnull(r.name, '') COLLATE NOCASE < ?" + BrowseSQL.archivedClause(archived, column: "r.archived")
        return (sql, [type.key, group.prefix, upper])
    }

    /// A prefix filter: each group an index range read in (group, value) order.
    private func prefixPage(
        _ query: RecordQuery, type: ObjectType, text: String, from key: PageKey?, direction: PageDirection,
        limit: Int, _ db: Database
    ) throws -> [ListedRecord] {
        let groups = Self.prefixGroups(type: type, text: text)
        let forward = direction == .forward
        let op = forward ? ">" : "<", order = forward ? "ASC" : "DESC"
        let columns = RecordRow.joinedColumns
        var out: [ListedRecord] = []
        var g = key?.group ?? (forward ? 0 : groups.count - 1)
        while out.count < limit, g >= 0, g < groups.count {
            let group = groups[g]
            let after = key?.group == g ? key : nil
            var sql: String, args: StatementArguments
            if group.identifier != nil {
                (sql, args) = Self.prefixSelect(
                    group, type: type, archived: query.archived, columns: "r.seq AS seq, k.value AS ktext, \(columns)")
                if let after {
                    let (clause, values) = group.keyAfter(op, after.text ?? "")
                    sql += clause
                    _ = args.append(contentsOf: StatementArguments(values))
                }
                sql += " ORDER BY \(group.keyOrder(order)) LIMIT ?"
            } else {
                (sql, args) = Self.prefixSelect(
                    group, type: type, archived: query.archived,
                    columns: "r.seq AS seq, ifnull(r.name, '') AS ktext, \(columns)")
                if let after {
                    sql += " AND (ifnull(r.name, '') COLLATE NOCASE, r.seq) \(op) (?, ?)"
                    _ = args.append(contentsOf: [after.text ?? "", after.seq])
                }
                sql += " ORDER BY ifnull(r.name, '') COLLATE NOCASE \(order), r.seq \(order) LIMIT ?"
            }
            _ = args.append(contentsOf: [limit - out.count])
            for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: args) {
                let ktext: String = row[1]
                out.append(
                    ListedRecord(
                        record: try RecordRow.record(row, at: 2), key: PageKey(seq: row[0], text: ktext, group: g),
                        matched: "\(group.label) \(ktext)"))
            }
            g += forward ? 1 : -1
        }
        return forward ? out : out.reversed()
    }

}
