import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// The process a bulk request's 202 answer named.
    public func process(id: String) throws -> BulkProcess? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM processes WHERE id = ?", arguments: [id]).map(Self.process)
        }
    }

    /// The most recent bulk processes, newest first.
    public func recentProcesses(limit: Int = 20) throws -> [BulkProcess] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM processes ORDER BY created_at DESC, rowid DESC LIMIT ?", arguments: [limit]
            ).map(Self.process)
        }
    }

    private static func process(_ row: Row) throws -> BulkProcess {
        let text: String = row["results"]
        let results: [JSONValue]
        do { results = try JSONValue.parse(text).arrayValue ?? [] } catch {
            throw StoreError.invalid("stored results of process \(row["id"] as String) are unreadable")
        }
        return BulkProcess(
            id: row["id"], type: row["type"], dialect: row["dialect"], status: try row.decode("status"),
            results: results,
            createdAt: row["created_at"])
    }
}
