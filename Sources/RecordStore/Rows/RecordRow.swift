import Foundation
import GRDB
import RecordCore

/// Reading and writing `records` rows.
enum RecordRow {
    static let columns =
        "id, type, name, external_id, data, parent_id, associations, archived, archived_at, version, created_at, updated_at, merged_into"

    /// How many `columns` there are (a query's next column is at this position).
    static let columnCount = columns.split(separator: ",").count

    /// `columns` of the table aliased `r` (`r.id, r.type, …`), for joins.
    static let joinedColumns = columns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: ", ")

    /// Decodes a row whose `columns` start at position `first` (read by position: a lookup by name
    /// lowercases the name on every row, which showed in the profile of paging and export).
    static func record(_ row: Row, at first: Int) throws -> Record {
        let id: String = row[first]
        let data: JSONValue
        var associations: [String] = []
        do {
            data = try JSONValue.parse(row[first + 4] as String)
            if let a: String = row[first + 6] {
                associations = try JSONValue.parse(a).arrayValue?.compactMap(\.stringValue) ?? []
            }
        } catch {
            throw StoreError.invalid(
                "record \(id) holds unreadable JSON (\(error.message)); the database may be damaged")
        }
        return Record(
            id: id, type: row[first + 1], name: row[first + 2], externalID: row[first + 3], data: data,
            parentID: row[first + 5], archived: row[first + 7],
            archivedAt: (row[first + 8] as String?).flatMap(Timestamp.parse),
            version: row[first + 9], createdAt: Timestamp.parse(row[first + 10]) ?? Date(timeIntervalSince1970: 0),
            updatedAt: Timestamp.parse(row[first + 11]), associations: associations, mergedInto: row[first + 12])
    }

    /// Decodes a row read through SQLite's C API (`columns` from position 0).
    static func record(_ row: RawStatement.Row) throws -> Record {
        let id = row.text(0) ?? ""
        let data: JSONValue
        var associations: [String] = []
        do {
            data = try row.json(4)
            if let a = row.text(6) { associations = try JSONValue.parse(a).arrayValue?.compactMap(\.stringValue) ?? [] }
        } catch {
            throw StoreError.invalid(
                "record \(id) holds unreadable JSON (\(error.message)); the database may be damaged")
        }
        return Record(
            id: id, type: row.text(1) ?? "", name: row.text(2), externalID: row.text(3), data: data,
            parentID: row.text(5), archived: row.int(7) != 0, archivedAt: row.date(8), version: row.int(9),
            createdAt: row.date(10) ?? Date(timeIntervalSince1970: 0), updatedAt: row.date(11),
            associations: associations, mergedInto: row.text(12))
    }

    /// Decodes a row; stored JSON that cannot be read is an error, never silently replaced.
    static func record(_ row: Row) throws -> Record {
        let id: String = row["id"]
        let data: JSONValue
        var associations: [String] = []
        do {
            data = try JSONValue.parse(row["data"] as String)
            if let a: String = row["associations"] {
                associations = try JSONValue.parse(a).arrayValue?.compactMap(\.stringValue) ?? []
            }
        } catch {
            throw StoreError.invalid(
                "record \(id) holds unreadable JSON (\(error.message)); the database may be damaged")
        }
        return Record(
            id: id, type: row["type"], name: row["name"], externalID: row["external_id"], data: data,
            parentID: row["parent_id"], archived: row["archived"],
            archivedAt: (row["archived_at"] as String?).flatMap(Timestamp.parse),
            version: row["version"], createdAt: Timestamp.parse(row["created_at"]) ?? Date(timeIntervalSince1970: 0),
            updatedAt: Timestamp.parse(row["updated_at"]), associations: associations, mergedInto: row["merged_into"])
    }

    /// The `associations` column: a JSON array of ids, or NULL when there are none.
    static func associationsText(_ r: Record) -> String? {
        r.associations.isEmpty ? nil : JSONValue.array(r.associations.map(JSONValue.string)).jsonText
    }

    /// A new row: `columns`, then `last_rev` (its first revision's id).
    static let insertSQL = "INSERT INTO records(\(columns), last_rev) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

    static func fetch(id: String, _ db: Database) throws -> Record? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM records WHERE id = ?"), arguments: [id]).map(
            record)
    }
}

/// Which columns an update sets: those that changed, then the data, version and update time.
struct UpdateColumns: Hashable {
    /// One bit per optional column, in `optional` order.
    let mask: Int
    static let optional = [
        "name", "external_id", "parent_id", "associations", "archived", "archived_at", "created_at", "merged_into",
    ]

    init(_ r: Record, from old: Record) {
        // Bit by bit, in `optional` order (no array of flags built per update).
        var mask = 0
        if r.name != old.name { mask |= 1 << 0 }
        if r.externalID != old.externalID { mask |= 1 << 1 }
        if r.parentID != old.parentID { mask |= 1 << 2 }
        if r.associations != old.associations { mask |= 1 << 3 }
        if r.archived != old.archived { mask |= 1 << 4 }
        if r.archivedAt != old.archivedAt { mask |= 1 << 5 }
        if r.createdAt != old.createdAt { mask |= 1 << 6 }
        if r.mergedInto != old.mergedInto { mask |= 1 << 7 }
        self.mask = mask
    }

    var sql: String {
        let sets =
            Self.optional.indices.filter { mask & (1 << $0) != 0 }.map { Self.optional[$0] + " = ?" }
            + ["data = ?", "version = ?", "updated_at = ?", "last_rev = ?"]
        return "UPDATE records SET \(sets.joined(separator: ", ")) WHERE id = ? AND version = ?"
    }

    /// Binds `sql`'s parameters before the id and expected version: the changed columns, then the data,
    /// version, update time and the id of the revision that wrote them.
    func bind(_ r: Record, dataText: String, revision: Int64, format: (Date) -> String, to statement: RawStatement) {
        func changed(_ i: Int) -> Bool { mask & (1 << i) != 0 }
        if changed(0) { statement.bind(r.name) }
        if changed(1) { statement.bind(r.externalID) }
        if changed(2) { statement.bind(r.parentID) }
        if changed(3) {
            statement.bind(
                RecordRow.associationsText(r))
        }
        if changed(4) { statement.bind(r.archived) }
        if changed(5) { statement.bind(r.archivedAt.map(format)) }
        if changed(6) { statement.bind(format(r.createdAt)) }
        if changed(7) { statement.bind(r.mergedInto) }
        statement.bind(dataText).bind(r.version).bind(format(r.updatedAt)).bind(revision)
    }
}

extension Row {
    /// A column holding one of an enum's raw values; anything else is a clear error, not a crash.
    func decode<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
        let text: String = self[column]
        guard let value = T(rawValue: text) else {
            throw StoreError.invalid("stored \(column) \"\(text)\" is not a known \(T.self)")
        }
        return value
    }
}
