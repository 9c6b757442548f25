import Foundation
import PostgresNIO
import RecordCore
import RecordStore

/// One connection to the server, used synchronously: each query blocks the calling thread until its rows
/// are in (the store's callers — the CLI, the TUI's backend, the server's store thread — are synchronous).
/// A lost connection is opened again by the next transaction (`reconnectIfClosed`).
final class PostgresLink: @unchecked Sendable {
    let location: PostgresLocation
    private var connection: PostgresConnection
    /// Quiet: postgres-nio logs below `.critical` only for debugging it.
    static let logger: Logger = {
        var l = Logger(label: "recdeck.postgres")
        l.logLevel = .critical
        return l
    }()

    private init(location: PostgresLocation, connection: PostgresConnection) {
        self.location = location; self.connection = connection
    }

    /// Connects, or throws one line naming the server (never the password).
    static func connect(_ location: PostgresLocation) throws -> PostgresLink {
        PostgresLink(location: location, connection: try open(location))
    }

    private static func open(_ location: PostgresLocation) throws -> PostgresConnection {
        var config: PostgresConnection.Configuration
        let tls: PostgresConnection.Configuration.TLS
        switch location.sslMode {
        case .disable: tls = .disable
        case .prefer, .require:
            do {
                let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                tls = location.sslMode == .require ? .require(context) : .prefer(context)
            } catch {
                throw StoreError.cannotOpen("cannot set up TLS for PostgreSQL server \(location.server): \(error)")
            }
        }
        if location.host.hasPrefix("/") {
            config = .init(
                unixSocketPath: "\(location.host)/.s.PGSQL.\(location.port)", username: location.user,
                password: location.password, database: location.database)
        } else {
            config = .init(
                host: location.host, port: location.port, username: location.user, password: location.password,
                database: location.database, tls: tls)
        }
        config.options.connectTimeout = .seconds(Int64(location.connectTimeout))
        config.options.additionalStartupParameters = [("application_name", "recdeck")]
        do {
            let connection = try PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.next(), configuration: config, id: 1, logger: logger
            ).wait()
            // Every table is named without its schema: the store's schema comes first on the path.
            _ = try connection.query(
                PostgresQuery(unsafeSQL: "SET search_path TO \(PostgresSchema.quoted(location.schema))"), logger: logger
            ).wait()
            return connection
        } catch {
            throw PostgresFailure.explain(error, location: location, connecting: true)
        }
    }

    /// Opens the connection again when the server closed it (a restart); false when it was open.
    @discardableResult
    func reconnectIfClosed() throws -> Bool {
        guard connection.isClosed else { return false }
        connection = try Self.open(location)
        return true
    }

    var isClosed: Bool { connection.isClosed }

    /// Runs `query` and returns its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        do {
            let result = try connection.query(query, logger: Self.logger).wait()
            return Array(result)
        } catch {
            throw PostgresFailure.explain(error, location: location, connecting: false)
        }
    }

    /// Runs a statement that returns no rows.
    func execute(_ query: PostgresQuery) throws { try rows(query) }

    /// Runs `sql` as it is (no parameters).
    func execute(sql: String) throws { try rows(PostgresQuery(unsafeSQL: sql)) }

    /// The async connection, for the calls postgres-nio offers only in async form (COPY, LISTEN).
    var underlying: PostgresConnection { connection }

    func close() { try? connection.close().wait() }

    /// Closed before it goes (postgres-nio requires it); links live on their users' threads, never an event loop's.
    deinit { if !connection.isClosed { try? connection.close().wait() } }
}

/// A failure of the PostgreSQL store: one line naming the server, the SQLSTATE kept for retries.
struct PostgresFailure: Error, CustomStringConvertible {
    var description: String
    /// The server's SQLSTATE, when the server answered with an error.
    var sqlState: String?
    /// The connection was lost (or never made): the transaction did not commit.
    var lostConnection = false

    /// Serialization failure or deadlock: the transaction may be run again.
    var retryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// A one-line explanation of a postgres-nio error: who (the server, never the password) and what.
    static func explain(_ error: any Error, location: PostgresLocation, connecting: Bool) -> any Error {
        if error is PostgresFailure || error is StoreError { return error }
        let server = "PostgreSQL server \(location.server)"
        guard let e = error as? PSQLError else {
            return PostgresFailure(description: "\(server): \(error)", lostConnection: connecting)
        }
        if let info = e.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "error"
            switch state {
            case "28P01", "28000":
                return PostgresFailure(
                    description: "\(server) refused user \(location.user): \(message)", sqlState: state)
            case "3D000":
                return PostgresFailure(
                    description: "\(server) has no database \"\(location.database)\" (\(message))", sqlState: state)
            case "42501":
                return PostgresFailure(
                    description: "\(server): user \(location.user) lacks the rights (\(message))", sqlState: state)
            default:
                return PostgresFailure(description: "\(server): \(message) (SQLSTATE \(state))", sqlState: state)
            }
        }
        switch e.code {
        case .connectionError:
            let why = e.underlying.map { Self.reason($0) } ?? "no answer"
            return PostgresFailure(description: "cannot reach \(server): \(why)", lostConnection: true)
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return PostgresFailure(
                description: connecting
                    ? "\(server) closed the connection while it was being opened"
                    : "lost the connection to \(server); the transaction in progress was not committed",
                lostConnection: true)
        case .authMechanismRequiresPassword:
            return PostgresFailure(
                description:
                    "\(server) asks user \(location.user) for a password: give it in the URL, PGPASSWORD or ~/.pgpass")
        default:
            return PostgresFailure(description: "\(server): \(e.code)")
        }
    }

    /// A connection error's reason in a few words ("connection refused").
    private static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        if text.lowercased().contains("timeout") || text.lowercased().contains("timed out") {
            return "no answer (timed out)"
        }
        if text.contains("resolve") || text.contains("NXDOMAIN") || text.contains("getaddrinfo") {
            return "unknown host"
        }
        return text
    }
}

extension PostgresLink {
    /// Creates the batch writer's staging tables when this session lacks them (temporary tables live as long as
    /// the connection; created inside a transaction that rolls back, they are made again next time).
    func stageTables() throws {
        let exists = try rows("SELECT to_regclass('pg_temp.stage_writes') IS NOT NULL").first?.decode(Bool.self)
        guard exists != true else { return }
        for statement in PostgresBatchWriter.createStaging { try execute(sql: statement) }
    }

    /// `COPY table(columns) FROM STDIN` of `rows` (text format, built by `CopyRows`), inside the transaction in
    /// progress: postgres-nio offers COPY only as an async call, which this thread waits for.
    func copy(into table: String, columns: [String], rows: CopyRows) throws {
        guard !rows.isEmpty else { return }
        let connection = underlying
        let data = ByteBuffer(bytes: rows.bytes)
        let outcome = CopyOutcome()
        let done = DispatchSemaphore(value: 0)
        // On a queue of its own, never Swift's shared pool: the caller blocks here, and may itself be one of that
        // pool's few threads (a test, a server handler), which the task would then wait for forever.
        Task(executorPreference: CopyExecutor.shared) {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: Self.logger) { writer in
                    try await writer.write(data)
                }
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw PostgresFailure.explain(error, location: location, connecting: false) }
    }
}

/// Runs the COPY tasks on a dispatch queue of their own (`PostgresLink.copy`).
private final class CopyExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = CopyExecutor()
    private let queue = DispatchQueue(label: "recdeck.postgres.copy")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// What a COPY ended with, handed from its task to the waiting thread (written before the semaphore signals).
private final class CopyOutcome: @unchecked Sendable {
    var error: (any Error)?
}

/// Rows for `COPY … FROM STDIN` in its text format: fields separated by tabs, `\N` for NULL, and backslash,
/// tab, newline and carriage return escaped.
struct CopyRows {
    private(set) var bytes: [UInt8] = []
    private var first = true
    var isEmpty: Bool { bytes.isEmpty }

    /// Appends one field of the current row.
    mutating func field(_ text: String?) {
        if !first { bytes.append(0x09) }
        first = false
        guard let text else {
            bytes.append(contentsOf: [0x5C, 0x4E])
            return
        }
        for b in text.utf8 {
            switch b {
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            default: bytes.append(b)
            }
        }
    }

    mutating func field(_ value: Int?) { field(value.map(String.init)) }
    mutating func field(_ value: Bool) { field(value ? "t" : "f") }
    mutating func field(_ date: Date?) { field(date.map(Timestamp.format)) }

    /// Ends the current row.
    mutating func endRow() {
        bytes.append(0x0A)
        first = true
    }
}
