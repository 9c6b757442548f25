import ArgumentParser
import Foundation
import RecordCore
import RecordStore
import RecordStorePostgres

/// Options every subcommand takes: `--db`, `--read-only`, `--json`.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Database file (default $RECDECK_DB, else $XDG_DATA_HOME/recdeck/recdeck.sqlite).", valueName: "path"))
    public var db: String?

    @Flag(name: .long, help: "Open the database read-only; every write is refused.")
    public var readOnly = false

    @Flag(name: .long, help: "Machine output: JSON.")
    public var json = false

    public init() {}

    /// `$XDG_DATA_HOME/recdeck` (or `~/.local/share/recdeck`).
    static var dataFolder: URL { XDGFolder.recdeck("XDG_DATA_HOME", fallback: ".local/share") }

    /// The database path: `--db`, else `$RECDECK_DB`, else `defaultName` in the XDG data folder.
    func databasePath(defaultName: String = "recdeck.sqlite") throws -> String {
        if let db, !db.isEmpty { return db }
        if let env = ProcessInfo.processInfo.environment["RECDECK_DB"], !env.isEmpty { return env }
        let folder = Self.dataFolder
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("cannot create data folder \(folder.path): \(error.localizedDescription)")
        }
        return folder.appendingPathComponent(defaultName).path
    }

    /// The PostgreSQL server `--db` (or `$RECDECK_DB`) names, or nil for a SQLite file. A URL that cannot be
    /// used is one line naming what is wrong (never its password).
    func postgresLocation() throws -> PostgresLocation? {
        let named = db.flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.environment["RECDECK_DB"]
        guard let url = named, PostgresLocation.isURL(url) else { return nil }
        do { return try PostgresLocation(url: url) } catch let e as PostgresLocationError {
            throw CLIError("cannot use \(PostgresLocation.redacting(url)): \(e.description)")
        }
    }

    /// Opens the store named by these options: the PostgreSQL team store for a `postgres://` URL, else the
    /// SQLite file.
    func openStore() throws -> any RecordStoring {
        if let server = try postgresLocation() { return try PostgresStore.open(server, readOnly: readOnly) }
        return try RecordStore.open(path: databasePath(), readOnly: readOnly)
    }

    /// Opens the SQLite store named by these options, for what the team store does not do yet (`feature` names
    /// it in the refusal); `concurrentReads` for the TUI's background readers.
    func openSQLiteStore(for feature: String, concurrentReads: Bool = false) throws -> RecordStore {
        if let server = try postgresLocation() { throw Self.notOnPostgres(server.description, feature) }
        return try RecordStore.open(path: databasePath(), readOnly: readOnly, concurrentReads: concurrentReads)
    }

    /// `store` as the SQLite store, for what the team store does not do yet (`feature` names it in the refusal).
    static func sqlite(_ store: any RecordStoring, for feature: String) throws -> RecordStore {
        guard let sqlite = store as? RecordStore else { throw notOnPostgres(store.location, feature) }
        return sqlite
    }

    private static func notOnPostgres(_ location: String, _ feature: String) -> CLIError {
        CLIError("\(location): \(feature) works on a SQLite database so far, not on PostgreSQL (README › Team store)")
    }

    /// Opens the SQLite store and checks that it holds the type `key` (`feature`: see `openSQLiteStore`).
    func openSQLiteStore(for feature: String, requiringType key: String) throws -> (RecordStore, ObjectType) {
        let store = try openSQLiteStore(for: feature)
        guard let type = try store.objectType(key) else { throw CLIError("unknown object type \"\(key)\"") }
        return (store, type)
    }

    /// Opens the store and checks that it holds the type `key`; an unknown type is a one-line error.
    func openStore(requiringType key: String) throws -> (any RecordStoring, ObjectType) {
        let store = try openStore()
        guard let type = try store.objectType(key) else { throw CLIError("unknown object type \"\(key)\"") }
        return (store, type)
    }

    /// Refuses a write in `--read-only` mode before touching the database.
    func requireWritable(_ action: String) throws {
        if readOnly { throw CLIError("--read-only: \(action) would write to the database; refused, nothing written") }
    }
}
