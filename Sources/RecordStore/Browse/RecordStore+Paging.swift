import Foundation
import GRDB
import RecordCore

/// Keyset paging for the Records view: every page is one indexed range read from a cursor, so a type of
/// any size is never loaded whole, and the last page costs what the first does.
extension RecordStore {
    /// Up to `limit` rows of `query` after (forward) or before (backward) `key`, in display order. A nil
    /// key starts at the first row (forward) or the last (backward).
    public func page(_ query: RecordQuery, from key: PageKey?, direction: PageDirection = .forward, limit: Int) throws -> [ListedRecord] {
        try read { db in
            if case .prefix(let text) = query.filter {
                guard let type = try objectType(query.type, db) else { return [] }
                return try prefixPage(query, type: type, text: text, from: key, direction: direction, limit: limit, db)
            }
            return try orderedPage(query, from: key, direction: direction, limit: limit, db)
        }
    }

    /// The number of rows `query` lists, when it is known without a scan (no filter: the type's counts).
    public func count(_ query: RecordQuery) throws -> Int? {
        guard query.filter == nil, let c = try counts(type: query.type) else { return nil }
        switch query.archived {
        case .active: return c.active
        case .archived: return c.archived
        case .all: return c.active + c.archived
        }
    }

    private static func archivedClause(_ filter: ArchiveFilter, column: String) -> String {
        switch filter {
        case .active: return " AND \(column) = 0"
        case .archived: return " AND \(column) = 1"
        case .all: return ""
        }
    }

    /// Insertion or name order, with an optional `path = value` / column filter as a residual condition.
    private func orderedPage(_ query: RecordQuery, from key: PageKey?, direction: PageDirection, limit: Int, _ db: Database) throws -> [ListedRecord] {
        let byName = query.sort == .name || query.sort == .nameDescending
        let sortAscending = query.sort == .inserted || query.sort == .name
        let ascending = sortAscending == (direction == .forward)
        let op = ascending ? ">" : "<", order = ascending ? "ASC" : "DESC"
        let nameExpr = "ifnull(name, '')"
        var sql = "SELECT seq, \(byName ? nameExpr : "NULL") AS ktext, \(RecordRow.columns) FROM records WHERE type = ?"
        var args: StatementArguments = [query.type]
        sql += Self.archivedClause(query.archived, column: "archived")
        switch query.filter {
        case .equals(let path, let value)?:
            let literal = try Self.sqlitePath(path)
            if value.isNull {
                sql += " AND json_type(data, '\(literal)') = 'null'"
            } else {
                sql += " AND json_extract(data, '\(literal)') = ?"
                switch value {
                case .bool(let b): _ = args.append(contentsOf: [b ? 1 : 0])
                case .int(let i): _ = args.append(contentsOf: [i])
                case .double(let d): _ = args.append(contentsOf: [d])
                case .string(let s): _ = args.append(contentsOf: [s])
                default: _ = args.append(contentsOf: [value.jsonText])
                }
            }
        case .column(let column, let value)?:
            sql += column == "name" ? " AND name = ?" : " AND external_id = ?"
            _ = args.append(contentsOf: [value])
        default: break
        }
        if let key {
            if byName {
                sql += " AND (\(nameExpr), seq) \(op) (?, ?)"
                _ = args.append(contentsOf: [key.text ?? "", key.seq])
            } else {
                sql += " AND seq \(op) ?"
                _ = args.append(contentsOf: [key.seq])
            }
        }
        sql += byName ? " ORDER BY \(nameExpr) \(order), seq \(order)" : " ORDER BY seq \(order)"
        sql += " LIMIT ?"
        _ = args.append(contentsOf: [limit])
        let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: args).map { row in
            ListedRecord(record: try RecordRow.record(row), key: PageKey(seq: row["seq"], text: row["ktext"]))
        }
        return direction == .forward ? rows : rows.reversed()
    }

    /// A prefix filter: each identifier's keys (normalised as that identifier normalises), then the name,
    /// each an index range read in (group, value) order.
    private func prefixPage(_ query: RecordQuery, type: ObjectType, text: String, from key: PageKey?, direction: PageDirection,
                            limit: Int, _ db: Database) throws -> [ListedRecord] {
        // Groups: the type's identifiers, then the name unless an identifier already covers it.
        var groups: [(label: String, identifier: String?, prefix: String)] = type.identifiers.compactMap { id in
            id.normalize.apply(text).map { (id.name, id.name, $0) }
        }
        if !type.identifiers.contains(where: { $0.source == .name }) { groups.append(("name", nil, text)) }
        let forward = direction == .forward
        var out: [ListedRecord] = []
        var g = key?.group ?? (forward ? 0 : groups.count - 1)
        while out.count < limit, g >= 0, g < groups.count {
            let group = groups[g]
            let after = key?.group == g ? key : nil
            let op = forward ? ">" : "<", order = forward ? "ASC" : "DESC"
            let upper = group.prefix + "\u{10FFFF}"
            var sql: String
            var args: StatementArguments
            if let identifier = group.identifier {
                sql = "SELECT r.seq AS seq, k.value AS ktext, \(RecordRow.columns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")) FROM record_keys k JOIN records r ON r.id = k.record_id WHERE k.type = ? AND k.identifier = ? AND k.value >= ? AND k.value < ?"
                args = [type.key, identifier, group.prefix, upper]
                sql += Self.archivedClause(query.archived, column: "r.archived")
                if let after { sql += " AND k.value \(op) ?"; _ = args.append(contentsOf: [after.text ?? ""]) }
                sql += " ORDER BY k.value \(order) LIMIT ?"
            } else {
                let nameExpr = "ifnull(name, '')"
                sql = "SELECT seq, \(nameExpr) AS ktext, \(RecordRow.columns) FROM records WHERE type = ? AND \(nameExpr) >= ? AND \(nameExpr) < ?"
                args = [type.key, group.prefix, upper]
                sql += Self.archivedClause(query.archived, column: "archived")
                if let after { sql += " AND (\(nameExpr), seq) \(op) (?, ?)"; _ = args.append(contentsOf: [after.text ?? "", after.seq]) }
                sql += " ORDER BY \(nameExpr) \(order), seq \(order) LIMIT ?"
            }
            _ = args.append(contentsOf: [limit - out.count])
            for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: args) {
                let ktext: String = row["ktext"]
                out.append(ListedRecord(record: try RecordRow.record(row), key: PageKey(seq: row["seq"], text: ktext, group: g),
                                        matched: "\(group.label) \(ktext)"))
            }
            g += forward ? 1 : -1
        }
        return forward ? out : out.reversed()
    }

    /// A JSONPath as an SQLite JSON path literal (`$."key"[0]`), safe to write inside single quotes.
    static func sqlitePath(_ path: JSONPath) throws -> String {
        var s = "$"
        for seg in path.segments {
            switch seg {
            case .key(let k):
                guard !k.contains("\"") else { throw StoreError.invalid("a filter path key cannot contain a double quote: \(k)") }
                s += ".\"" + k + "\""
            case .index(let i): s += "[\(i)]"
            }
        }
        return s.replacingOccurrences(of: "'", with: "''")
    }
}
