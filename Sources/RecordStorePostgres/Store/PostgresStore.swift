import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import RecordCore
import RecordStore

/// The team store (DESIGN §9): the SQLite store's tables and guarantees on a PostgreSQL server, so a whole
/// team works on one store. One connection per store; its transactions run one at a time.
///
/// Every write transaction runs at READ COMMITTED and takes transaction-scoped advisory locks on the
/// normalised keys its requests probe, sorted, before planning (`PostgresTransaction.lock`), so two writers
/// of one key plan one after the other and cannot deadlock; the UNIQUE keys table is the last defence.
/// Serialization failures and deadlocks are retried (`attempts`).
public final class PostgresStore: @unchecked Sendable {
    /// The server, database and schema (its password never shown).
    public let server: PostgresLocation
    public let readOnly: Bool
    let clock: @Sendable () -> Date
    let link: PostgresLink
    /// One transaction at a time on the connection.
    let lock = NIOLock()
    /// Types parsed from their stored schema, reused while the schema text is unchanged.
    private let parsedTypes = NIOLockedValueBox<[String: (schema: String, type: ObjectType)]>([:])

    /// Times a transaction runs when the server reports a serialization failure or a deadlock.
    static let attempts = 5

    private init(location: PostgresLocation, readOnly: Bool, clock: @escaping @Sendable () -> Date, link: PostgresLink)
    {
        self.server = location; self.readOnly = readOnly; self.clock = clock; self.link = link
    }

    /// Connects to the server and migrates the store's schema when it is behind (not when `readOnly`).
    public static func open(
        _ location: PostgresLocation, readOnly: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> PostgresStore {
        let link = try PostgresLink.connect(location)
        do { try PostgresSchema.migrateIfBehind(link, readOnly: readOnly) } catch {
            link.close()
            throw error
        }
        return PostgresStore(location: location, readOnly: readOnly, clock: clock, link: link)
    }

    /// Opens the store at `url` (a `postgres://` URL, completed from libpq's variables and password file).
    public static func open(url: String, readOnly: Bool = false) throws -> PostgresStore {
        let location: PostgresLocation
        do { location = try PostgresLocation(url: url) } catch let e as PostgresLocationError {
            throw StoreError.cannotOpen("cannot use \(PostgresLocation.redacting(url)): \(e.description)")
        }
        return try open(location, readOnly: readOnly)
    }

    /// Closes the connection.
    public func close() { link.close() }

    /// Drops the store's schema and everything in it (a scenario's own schema, afterwards).
    public func dropSchema() throws {
        try lock.withLock {
            try link.execute(sql: "DROP SCHEMA IF EXISTS \(PostgresSchema.quoted(server.schema)) CASCADE")
        }
    }

    /// The type `key` parsed from `schema`, parsed once per schema text.
    func parsedType(_ key: String, schema text: String) throws -> ObjectType {
        if let kept = parsedTypes.withLockedValue({ $0[key] }), kept.schema == text { return kept.type }
        do {
            let type = try ObjectType(json: JSONValue.parse(text))
            parsedTypes.withLockedValue { $0[key] = (text, type) }
            return type
        } catch {
            throw StoreError.invalid("stored schema of type \(key) is unreadable: \(error)")
        }
    }

    /// Runs `body` in one transaction. A write transaction is run again (up to `attempts` times) when the
    /// server reports a serialization failure or a deadlock; a lost connection is opened again first.
    func transaction<T>(
        _ what: String, writes: Bool, commitIf: (T) -> Bool, _ body: (PostgresTransaction) throws -> T
    ) throws -> T {
        if writes, readOnly { throw StoreError.readOnly(what) }
        return try lock.withLock {
            var attempt = 0
            while true {
                attempt += 1
                var committing = false
                do {
                    try link.reconnectIfClosed()
                    try link.execute(sql: writes && !readOnly ? "BEGIN" : "BEGIN READ ONLY")
                    let tx = PostgresTransaction(store: self, link: link, now: clock())
                    let result = try body(tx)
                    if commitIf(result) {
                        try tx.finish()
                        committing = true
                        try link.execute(sql: "COMMIT")
                    } else {
                        try link.execute(sql: "ROLLBACK")
                    }
                    return result
                } catch let e as PostgresFailure where e.retryable && attempt < Self.attempts {
                    try? link.execute(sql: "ROLLBACK")
                    continue
                } catch let e as PostgresFailure where e.lostConnection && !committing && attempt < Self.attempts {
                    // The server went away (a restart, a dropped connection) before the commit was asked for:
                    // nothing of this transaction was written, so it runs again on a new connection. Lost during
                    // the commit, it may have been written: that is said, not retried.
                    usleep(UInt32(200_000 * attempt))
                    continue
                } catch let e as PostgresFailure where e.lostConnection && committing {
                    throw PostgresFailure(
                        description:
                            "lost the connection to PostgreSQL server \(server.server) during the commit of \(what): it may or may not have been written; look before running it again",
                        lostConnection: true)
                } catch {
                    if !link.isClosed { try? link.execute(sql: "ROLLBACK") }
                    throw error
                }
            }
        }
    }

    /// Runs `body` in a read-only transaction.
    func read<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction("read", writes: false, commitIf: { _ in true }, body)
    }

    /// Runs `body` in a write transaction, committed.
    func write<T>(_ what: String, _ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction(what, writes: true, commitIf: { _ in true }, body)
    }
}

extension PostgresLocation {
    /// `url` with any password replaced by `***`, for a message about a URL that could not be parsed.
    public static func redacting(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", options: .backwards),
            scheme.upperBound < at.lowerBound
        else { return url }
        let userInfo = url[scheme.upperBound..<at.lowerBound]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at.lowerBound...])
    }
}

extension PostgresStore: TransactionalStore {
    public func now() -> Date { clock() }

    public func inWriteTransaction<T>(
        _ what: String, commitIf: (T) -> Bool, _ body: (PostgresTransaction) throws -> T
    ) throws -> T {
        try transaction(what, writes: true, commitIf: commitIf, body)
    }

    public func inReadTransaction<T>(_ body: (PostgresTransaction) throws -> T) throws -> T { try read(body) }
}

extension PostgresStore {
    /// The server process serving this store's connection (`pg_backend_pid()`), as `pg_stat_activity` shows it.
    public func serverProcessID() throws -> Int32 {
        try read { _ in try link.rows("SELECT pg_backend_pid()").first!.decode(Int32.self) }
    }

    /// Runs statements outside any store transaction (tests set up roles and rights with it).
    public func executeForTests(_ statements: [String]) throws {
        try lock.withLock { for s in statements { try link.execute(sql: s) } }
    }
}
