import Foundation
import GRDB
import RecordCore

/// The SQL of browsing: sort expressions (the same text in the index and in every query, so SQLite's
/// expression-index matching sees them as one), filter conditions, and column expressions. Paths are
/// written as literals, never bound: a bound path defeats expression indexes (DESIGN §1).
enum BrowseSQL {
    /// The value rows are ordered by. Text compares case-insensitively (NOCASE folds ASCII); a missing
    /// data value sorts first (`-1e999` is minus infinity, below every number, and numbers sort before text).
    static func sortExpression(_ column: SortColumn) throws -> String {
        switch column {
        case .name: return "ifnull(name, '') COLLATE NOCASE"
        case .externalID: return "ifnull(external_id, '') COLLATE NOCASE"
        case .updated: return "updated_at"
        case .path(let p): return "coalesce(json_extract(data, '\(try sqlitePath(p))'), -1e999) COLLATE NOCASE"
        }
    }

    /// The index that serves a sort: `(type, expression, seq)`, shared by every type sorted by that
    /// expression, built the first time a listing is sorted by it (the name's too: the schema's name index
    /// holds only named records, for the filters).
    static func sortIndexName(_ column: SortColumn) throws -> String {
        return "sort_\(fnv1a(try sortExpression(column)))"
    }

    /// `CREATE INDEX IF NOT EXISTS` for a sort.
    static func createSortIndex(_ column: SortColumn) throws -> String {
        let name = try sortIndexName(column)
        return "CREATE INDEX IF NOT EXISTS \"\(name)\" ON records(type, \(try sortExpression(column)), seq)"
    }

    /// A column's value as SQL (frequency counts, contains filters).
    static func columnExpression(_ column: GridColumn) throws -> String {
        switch column {
        case .name: return "name"
        case .id: return "id"
        case .externalID: return "external_id"
        case .state: return "CASE archived WHEN 1 THEN 'archived' ELSE 'active' END"
        case .created: return "created_at"
        case .updated: return "updated_at"
        case .version: return "version"
        case .parent: return "parent_id"
        case .path(let p): return "json_extract(data, '\(try sqlitePath(p))')"
        }
    }

    /// A column's value as JSON text (`"acme"`, `42`, `true`, `null`; SQL NULL when absent), so a count of
    /// values keeps strings, numbers and booleans apart.
    static func jsonExpression(_ column: GridColumn) throws -> String {
        switch column {
        case .path(let p): return "data -> '\(try sqlitePath(p))'"
        case .version: return "version"
        default:
            let e = try columnExpression(column)
            return "CASE WHEN \(e) IS NULL THEN NULL ELSE json_quote(\(e)) END"
        }
    }

    /// The index insertion order pages through: `(type, archived, seq)`, one range per archive state (all
    /// records are two ranges, merged; `RecordStore.orderedSelect`). One index instead of that and a
    /// `(type, seq)` one: a record's insert writes one B-tree entry fewer.
    static let insertionIndex = "INDEXED BY records_by_type_state"

    /// The archive states a listing holds, as a condition: both states are named for all records, so
    /// SQLite reads the insertion index's two ranges instead of scanning the type.
    static func archivedClause(_ filter: ArchiveFilter, column: String = "archived") -> String {
        switch filter {
        case .active: return " AND \(column) = 0"
        case .archived: return " AND \(column) = 1"
        case .all: return " AND \(column) IN (0, 1)"
        }
    }

    /// The SQL of a target (`name`, `external_id`, `json_extract(data, '$."x"')`).
    static func targetExpression(_ target: FilterTarget) throws -> String {
        switch target {
        case .name: return "name"
        case .externalID: return "external_id"
        case .path(let p): return "json_extract(data, '\(try sqlitePath(p))')"
        }
    }

    /// The condition of a filter other than a prefix (` AND …`) and its arguments.
    static func filterCondition(_ filter: RecordFilter?, typeKey: String) throws -> (
        sql: String, arguments: StatementArguments
    ) {
        var args = StatementArguments()
        switch filter {
        case nil, .prefix?:
            return ("", args)
        case .compare(let target, let op, let value)?:
            let e = try targetExpression(target)
            let bound = databaseValue(value)
            _ = args.append(contentsOf: [bound])
            if op == .notEqual { return (" AND (\(e) IS NULL OR \(e) != ?)", args) }
            return (" AND \(e) \(op.rawValue) ?", args)
        case .isNull(let target, let negated)?:
            let test: String
            if case .path(let p) = target {
                let lit = try sqlitePath(p)
                test = "(json_type(data, '\(lit)') IS NULL OR json_type(data, '\(lit)') = 'null')"
            } else {
                test = "\(try targetExpression(target)) IS NULL"
            }
            return (negated ? " AND NOT \(test)" : " AND \(test)", args)
        case .contains(let text, let target)?:
            let pattern = "%" + likeEscaped(text) + "%"
            if let target {
                _ = args.append(contentsOf: [pattern])
                return (" AND \(try targetExpression(target)) LIKE ? ESCAPE '\\'", args)
            }
            // The name or any identifier: two sets of sequence numbers, each read from a covering index (the
            // name index, the keys index) with no JSON parsed, that the listing's own index range is checked
            // against. Identifier values are matched as stored (normalised).
            _ = args.append(contentsOf: [typeKey, pattern, typeKey, pattern])
            return (
                """
                 AND (seq IN (SELECT seq FROM records INDEXED BY records_by_type_name \
                WHERE type = ? AND name IS NOT NULL AND ifnull(name, '') COLLATE NOCASE LIKE ? ESCAPE '\\') \
                OR seq IN (SELECT kk.record_seq FROM record_keys kk \
                WHERE kk.type = ? AND kk.value LIKE ? ESCAPE '\\'))
                """, args
            )
        }
    }

    /// A JSON scalar as the value SQLite's json_extract yields for it (booleans are 1 and 0).
    static func databaseValue(_ v: JSONValue) -> DatabaseValue {
        switch v {
        case .bool(let b): return (b ? 1 : 0).databaseValue
        case .int(let i): return i.databaseValue
        case .double(let d): return d.databaseValue
        case .string(let s): return s.databaseValue
        case .null: return .null
        default: return v.jsonText.databaseValue
        }
    }

    /// A sort value read back from a row, and as an argument again.
    static func sortValue(_ v: DatabaseValue) -> SortValue {
        switch v.storage {
        case .null: return .null
        case .int64(let i): return .integer(i)
        case .double(let d): return .real(d)
        case .string(let s): return .text(s)
        case .blob(let b): return .text(String(decoding: b, as: UTF8.self))
        }
    }

    static func databaseValue(_ v: SortValue?) -> DatabaseValue {
        switch v {
        case nil, .null?: return .null
        case .integer(let i)?: return i.databaseValue
        case .real(let d)?: return d.databaseValue
        case .text(let s)?: return s.databaseValue
        }
    }

    /// `text` with LIKE's wildcards escaped by `\`.
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A JSONPath as an SQLite JSON path literal (`$."key"[0]`), safe to write inside single quotes.
    static func sqlitePath(_ path: JSONPath) throws -> String {
        var s = "$"
        for seg in path.segments {
            switch seg {
            case .key(let k):
                guard !k.contains("\"") else {
                    throw StoreError.invalid("a path key cannot contain a double quote: \(k)")
                }
                s += ".\"" + k + "\""
            case .index(let i): s += "[\(i)]"
            }
        }
        return s.replacingOccurrences(of: "'", with: "''")
    }

    /// A short stable hash for index names.
    static func fnv1a(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}
