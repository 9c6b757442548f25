import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// Appends a request to the server's journal (its own small transaction).
    public func appendRequest(_ e: JournalEntry) throws {
        try writeTransaction("journal") { db in try appendRequest(e, db) }
    }

    /// Appends a request to the journal inside the caller's transaction.
    func appendRequest(_ e: JournalEntry, _ db: Database) throws {
        var headers: JSONObject = [:]
        for (k, v) in e.headers { headers[k] = .string(v) }
        try db.cachedStatement(
            sql: """
                INSERT INTO requests(at, dialect, method, path, query, headers, body, status, response, decision,
                  record_id, process_id, ms, conflict_id, resolution) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """
        ).execute(
            arguments: [
                Timestamp.format(e.at), e.dialect, e.method, e.path, e.query, JSONValue.object(headers).jsonText,
                e.body, e.status, e.response, e.decision, e.recordID, e.processID, e.milliseconds, e.conflictID,
                e.resolution,
            ])
    }

    /// Empties the server's journal.
    public func clearRequests() throws {
        try writeTransaction("journal") { db in try db.execute(sql: "DELETE FROM requests") }
    }

    /// One journaled request by its id.
    public func request(id: Int64) throws -> JournalEntry? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM requests WHERE id = ?", arguments: [id]).map(Self.journalEntry)
        }
    }

    /// Journaled requests after `after` (an id), oldest first, at most `limit`; or the newest `limit`.
    public func requests(after: Int64? = nil, limit: Int = 100) throws -> [JournalEntry] {
        try read { db in
            let rows =
                after == nil
                ? try Row.fetchAll(
                    db, sql: "SELECT * FROM (SELECT * FROM requests ORDER BY id DESC LIMIT ?) ORDER BY id",
                    arguments: [limit])
                : try Row.fetchAll(
                    db, sql: "SELECT * FROM requests WHERE id > ? ORDER BY id LIMIT ?", arguments: [after, limit])
            return rows.map(Self.journalEntry)
        }
    }

    private static func journalEntry(_ row: Row) -> JournalEntry {
        let headers = (try? JSONValue.parse(row["headers"] as String))?.objectValue ?? [:]
        return JournalEntry(
            id: row["id"], at: Timestamp.parse(row["at"]) ?? Date(timeIntervalSince1970: 0),
            dialect: row["dialect"], method: row["method"], path: row["path"], query: row["query"],
            headers: headers.compactMapValues(\.stringValue), body: row["body"], status: row["status"],
            response: row["response"], decision: row["decision"], recordID: row["record_id"],
            processID: row["process_id"], milliseconds: row["ms"], conflictID: row["conflict_id"],
            resolution: row["resolution"])
    }
}
