import Foundation
import RecordCore
import RecordStore
import RecordStorePostgres
import TestSupport
import Testing

/// The two stores every test here runs on.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

extension TestServer {
    /// The server's location with a schema of the test's own.
    static func location(schema: String = freshSchemaName()) throws -> PostgresLocation {
        guard let url else { throw StoreError.cannotOpen("RECDECK_TEST_PG is not set") }
        return try PostgresLocation(url: url).with(schema: schema)
    }

    /// Cancels the current case when it needs a server there is not (and CI does not require one).
    static func requireServer(for kind: StoreKind) throws {
        guard kind == .postgres, !available else { return }
        if required { throw StoreError.cannotOpen("RECDECK_REQUIRE_PG=1 but RECDECK_TEST_PG is not set") }
        try Test.cancel(skipNote)
    }
}

/// A fresh, empty store of one kind, pinned to `clock`. A PostgreSQL one lives in a schema of its own, dropped
/// when the value goes away.
final class FreshStore: @unchecked Sendable {
    let kind: StoreKind
    let sqlite: RecordStore?
    let postgres: PostgresStore?

    init(_ kind: StoreKind, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        try TestServer.requireServer(for: kind)
        self.kind = kind
        switch kind {
        case .sqlite:
            sqlite = try RecordStore.inMemory(clock: clock)
            postgres = nil
        case .postgres:
            sqlite = nil
            postgres = try PostgresStore.open(TestServer.location(), clock: clock)
        }
    }

    /// The store, as the scenario runner and the exchange see it.
    var store: any ScenarioStore { sqlite ?? postgres! }

    deinit {
        try? postgres?.dropSchema()
        postgres?.close()
    }
}

extension FreshStore {
    /// Runs `body` on a fresh store of `kind`, kept (and its schema) until `body` returns.
    static func with(
        _ kind: StoreKind, clock: @escaping @Sendable () -> Date = { Date() },
        _ body: (any ScenarioStore) throws -> Void
    ) throws {
        let fresh = try FreshStore(kind, clock: clock)
        try withExtendedLifetime(fresh) { try body(fresh.store) }
    }
}
