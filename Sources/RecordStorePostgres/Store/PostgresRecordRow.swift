import Foundation
import PostgresNIO
import RecordCore
import RecordStore

/// Reading `records` rows from PostgreSQL.
enum PostgresRecordRow {
    /// The columns `record` reads, in its order (json columns as text: read as written).
    static let columns =
        "r.id, r.type, r.name, r.external_id, r.data::text, r.parent_id, r.associations::text, r.archived, r.archived_at, r.version, r.created_at, r.updated_at, r.merged_into"

    /// How many `columns` there are (a query's next column is at this position).
    static let columnCount = 13

    /// Decodes a row whose `columns` start at position `first`; stored JSON that cannot be read is an error.
    static func record(_ row: PostgresRow, at first: Int = 0) throws -> Record {
        let c = row.makeRandomAccess()
        let id = try c[first].decode(String.self)
        let data: JSONValue
        var associations: [String] = []
        do {
            data = try JSONValue.parse(c[first + 4].decode(String.self))
            if let a = try c[first + 6].decode(String?.self) {
                associations = try JSONValue.parse(a).arrayValue?.compactMap(\.stringValue) ?? []
            }
        } catch let e as JSONSyntaxError {
            throw StoreError.invalid("record \(id) holds unreadable JSON (\(e.message)); the database may be damaged")
        }
        return Record(
            id: id, type: try c[first + 1].decode(String.self), name: try c[first + 2].decode(String?.self),
            externalID: try c[first + 3].decode(String?.self), data: data,
            parentID: try c[first + 5].decode(String?.self), archived: try c[first + 7].decode(Bool.self),
            archivedAt: try c[first + 8].decode(Date?.self), version: Int(try c[first + 9].decode(Int64.self)),
            createdAt: try c[first + 10].decode(Date.self), updatedAt: try c[first + 11].decode(Date.self),
            associations: associations, mergedInto: try c[first + 12].decode(String?.self))
    }
}
