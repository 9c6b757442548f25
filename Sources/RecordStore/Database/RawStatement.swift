import Foundation
import GRDB
import GRDBSQLite
import RecordCore

/// A statement prepared once per batch and bound and stepped through SQLite's C API. The import's
/// per-record writes spent more time in GRDB's argument boxing and binding than SQLite spent writing;
/// these bind text and integers straight from Swift's storage. Used only inside a transaction GRDB opened;
/// once prepared, it touches no GRDB API, so a `WritePipeline` may step it on its own thread.
final class RawStatement {
    private let statement: Statement
    private let handle: SQLiteStatement
    private var index: Int32 = 0

    /// Each text parameter's bytes, copied here and bound without SQLite copying them again
    /// (`SQLITE_STATIC`): SQLite's copy was a malloc and a free per bound text, a tenth of the writer
    /// thread. A parameter's buffer is replaced only when that parameter is bound again.
    private var slots: [UnsafeMutableRawBufferPointer] = []

    /// Prepares `sql`; `cached` takes it from (or adds it to) the connection's statement cache, for SQL
    /// that is run again in later transactions.
    init(_ db: Database, sql: String, cached: Bool = false) throws {
        statement = try cached ? db.cachedStatement(sql: sql) : db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    deinit {
        // Bound but never run (a write abandoned between binding and stepping): SQLite must not keep
        // pointers into the buffers freed below.
        if index > 0 { sqlite3_clear_bindings(handle) }
        for slot in slots { slot.deallocate() }
    }

    /// Binds the next parameter: text, an integer, a boolean, or NULL.
    @discardableResult
    func bind(_ text: String?) -> RawStatement {
        index += 1
        guard var text else { sqlite3_bind_null(handle, index); return self }
        let slot = Int(index) - 1
        while slots.count <= slot { slots.append(.allocate(byteCount: 64, alignment: 1)) }
        text.withUTF8 { buf in
            if slots[slot].count < buf.count {
                slots[slot].deallocate()
                slots[slot] = .allocate(byteCount: max(buf.count, 2 * slots[slot].count), alignment: 1)
            }
            if let source = buf.baseAddress { slots[slot].baseAddress!.copyMemory(from: source, byteCount: buf.count) }
            _ = sqlite3_bind_text(handle, index, slots[slot].baseAddress, Int32(buf.count), nil)
        }
        return self
    }

    /// Binds the next parameter to text the caller keeps unchanged until the statement has run (a
    /// `CreateLog`'s bytes), without copying it; nil binds NULL.
    @discardableResult
    func bind(static text: UnsafeBufferPointer<UInt8>?) -> RawStatement {
        index += 1
        guard let text else { sqlite3_bind_null(handle, index); return self }
        // An empty text still needs an address: a null pointer would bind NULL.
        let start = text.baseAddress ?? Self.empty
        _ = sqlite3_bind_text(handle, index, start, Int32(text.count), nil)
        return self
    }

    nonisolated(unsafe) private static let empty: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    @discardableResult
    func bind(_ value: Int) -> RawStatement {
        index += 1
        sqlite3_bind_int64(handle, index, Int64(value))
        return self
    }

    @discardableResult
    func bind(_ value: Int64) -> RawStatement {
        index += 1
        sqlite3_bind_int64(handle, index, value)
        return self
    }

    @discardableResult
    func bind(_ value: Bool) -> RawStatement { bind(value ? 1 : 0) }

    /// A row being read: its columns as text or integers, by position.
    struct Row {
        let handle: SQLiteStatement
        func text(_ i: Int32) -> String? {
            guard let p = sqlite3_column_text(handle, i) else { return nil }
            return String(
                decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i))), as: UTF8.self)
        }
        func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(handle, i)) }
        /// A time column, read from SQLite's bytes (no String made for recdeck's own fixed form).
        func date(_ i: Int32) -> Date? {
            guard let p = sqlite3_column_text(handle, i) else { return nil }
            return Timestamp.parse(utf8: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i))))
        }
        /// A text column read as JSON straight from SQLite's bytes (no String made first); NULL is empty
        /// text, which is refused like any unreadable JSON.
        func json(_ i: Int32) throws(JSONSyntaxError) -> JSONValue {
            let bytes = sqlite3_column_text(handle, i)
            return try JSONValue.parse(UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, i))))
        }
    }

    /// Every row the statement yields, mapped (its bindings and state are then cleared).
    func rows<T>(_ sql: @autoclosure () -> String, _ map: (Row) throws -> T) throws -> [T] {
        defer { clear() }
        var out: [T] = []
        while try step(sql()) { out.append(try map(Row(handle: handle))) }
        return out
    }

    /// Runs the statement (no rows expected), then clears it for the next use.
    func execute(_ sql: @autoclosure () -> String) throws {
        defer { clear() }
        _ = try step(sql())
    }

    /// One step: true on a row, false when done; any other code is the connection's error.
    private func step(_ sql: @autoclosure () -> String) throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql())
    }

    /// Rows the last `execute` changed (the connection's count, read without GRDB, so it may be called on a
    /// `WritePipeline`'s thread).
    var changes: Int { Int(sqlite3_changes(sqlite3_db_handle(handle))) }
    /// The rowid of the connection's last INSERT (this statement's, right after it ran).
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(sqlite3_db_handle(handle)) }

    /// Resets the statement and its bindings for the next use.
    private func clear() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        index = 0
    }
}
