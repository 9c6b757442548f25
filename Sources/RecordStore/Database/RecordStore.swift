import Foundation
import GRDB
import RecordCore

/// The SQLite store: WAL, a busy timeout, every write in one `BEGIN IMMEDIATE` transaction that re-plans
/// against the current state (DESIGN §1, §2).
public final class RecordStore: Sendable {
    let writer: any DatabaseWriter
    /// The database file path, or `:memory:`.
    public let path: String
    public let readOnly: Bool
    /// The clock; tests and scenarios pin it.
    let clock: @Sendable () -> Date
    /// Types parsed from their stored schema, reused while the schema text is unchanged.
    let parsedTypes = ParsedTypes()
    /// The next import batch's probes, answered during the current one.
    let carried = CarriedPrefetch()

    init(writer: any DatabaseWriter, path: String, readOnly: Bool, clock: @escaping @Sendable () -> Date) {
        self.writer = writer; self.path = path; self.readOnly = readOnly; self.clock = clock
    }

    /// Seconds a write waits for another connection's write lock before it is refused.
    static let busyTimeout: TimeInterval = 5

    static func configuration(readOnly: Bool) -> Configuration {
        var config = Configuration()
        config.readonly = readOnly
        // Another connection's write lock is waited for in 1 ms steps, up to `busyTimeout`: SQLite's own
        // handler sleeps up to 100 ms between tries, and so missed the short turns an import stream gives.
        config.busyMode = .callback { tries in
            usleep(1000)
            return tries < Int(busyTimeout * 1000)
        }
        config.foreignKeysEnabled = false
        config.prepareDatabase { db in
            guard !db.configuration.readonly else { return }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return config
    }

    /// Opens (creating when missing, unless read-only) the database at `path`. Opening an up-to-date
    /// database only reads: migrations (and their write lock) run only when the schema is behind.
    ///
    /// `concurrentReads` opens a connection pool whose readers run beside the writer (the TUI's background
    /// counts and index builds); GRDB prepares a pool by making sure a non-empty WAL file exists, which
    /// writes a no-op transaction when no other process has the database open. Without it (every CLI
    /// command) one connection is opened and a reading command leaves the file byte-identical.
    ///
    /// `pageSize` applies only when the file is created (default `StoreSchema.pageSize`; a store written
    /// only in bulk, like a file's cache, passes `bulkPageSize`).
    /// The page size of a store written only in bulk (an import's thousand records per commit): 16 KiB.
    public static let bulkPageSize = 16384

    public static func open(
        path: String, readOnly: Bool = false, concurrentReads: Bool = false, pageSize: Int? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> RecordStore {
        let pageSize = pageSize ?? StoreSchema.pageSize
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw StoreError.cannotOpen("cannot open database \(path): folder \(folder) does not exist")
        }
        if readOnly, !FileManager.default.fileExists(atPath: path) {
            throw StoreError.cannotOpen("cannot open database \(path) read-only: the file does not exist")
        }
        if !readOnly, !FileManager.default.isWritableFile(atPath: folder) {
            throw StoreError.cannotOpen("cannot open database \(path): folder \(folder) is not writable")
        }
        do {
            let writer: any DatabaseWriter
            if readOnly {
                writer = try DatabaseQueue(path: path, configuration: configuration(readOnly: true))
                guard try writer.read({ db in try StoreSchema.migrator.hasCompletedMigrations(db) }) else {
                    throw StoreError.cannotOpen(
                        "\(path) is not an up-to-date recdeck database; open it once without --read-only")
                }
            } else if concurrentReads {
                // Migrate through one connection first, so a new file is in WAL mode before the pool opens it.
                try StoreSchema.migrateIfBehind(
                    DatabaseQueue(path: path, configuration: configuration(readOnly: false)), pageSize: pageSize)
                writer = try DatabasePool(path: path, configuration: configuration(readOnly: false))
            } else {
                let queue = try DatabaseQueue(path: path, configuration: configuration(readOnly: false))
                try StoreSchema.migrateIfBehind(queue, pageSize: pageSize)
                writer = queue
            }
            return RecordStore(writer: writer, path: path, readOnly: readOnly, clock: clock)
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// The same database seen through a clock moved by `seconds`: the demo plants records of different
    /// ages with it (survivorship rules need older and newer records).
    public func shifted(by seconds: TimeInterval) -> RecordStore {
        let clock = self.clock
        return RecordStore(
            writer: writer, path: path, readOnly: readOnly, clock: { clock().addingTimeInterval(seconds) })
    }

    /// A private in-memory database (scenarios, tests).
    public static func inMemory(clock: @escaping @Sendable () -> Date = { Date() }) throws -> RecordStore {
        let queue = try DatabaseQueue(configuration: configuration(readOnly: false))
        try StoreSchema.migrator.migrate(queue)
        return RecordStore(writer: queue, path: ":memory:", readOnly: false, clock: clock)
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, so a plan made inside cannot be overtaken.
    func writeTransaction<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        try writeTransaction(what, commitIf: { _ in true }, body)
    }

    /// Runs `body` in an IMMEDIATE transaction and rolls it back: a preview of writes that must see each
    /// other (a bulk batch), leaving the database as it was.
    func rolledBackTransaction<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        try writeTransaction(what, commitIf: { _ in false }, body)
    }

    /// Runs `body` in an IMMEDIATE transaction, committed only when `commitIf` approves its result.
    /// `keepsCarriedProbes`: an import batch, which checks the probes the batch before answered for it
    /// itself; any other write clears them (`CarriedPrefetch`).
    func writeTransaction<T>(
        _ what: String, keepsCarriedProbes: Bool = false, commitIf: (T) -> Bool, _ body: (Database) throws -> T
    ) throws -> T {
        guard !readOnly else { throw StoreError.readOnly(what) }
        do {
            return try writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    // A write through this connection, which `PRAGMA data_version` does not see, may change
                    // what an import batch answered ahead for the next; cleared while this holds the writer.
                    if !keepsCarriedProbes { carried.clear() }
                    let r = try body(db)
                    result = r
                    return commitIf(r) ? .commit : .rollback
                }
                return result!
            }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Runs `body` in a read transaction.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch { throw StoreError.wrap(error, path: path) }
    }

    /// A value from the `meta` table.
    public func meta(_ key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// Copies the write-ahead log into the database file and empties it (`wal_checkpoint(TRUNCATE)`), so the
    /// file alone holds everything: a file's cache once its import is complete. Returns false when a reader
    /// kept it from finishing (the log then stays; nothing is lost).
    @discardableResult
    public func checkpoint() throws -> Bool {
        try writer.writeWithoutTransaction { db in
            try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)").map { $0[0] as Int == 0 } ?? false
        }
    }

    /// Sets a value in the `meta` table.
    public func setMeta(_ key: String, _ value: String) throws {
        try writeTransaction("setting metadata") { db in
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        }
    }
}

extension RecordStore {
    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }
}
