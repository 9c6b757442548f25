import Foundation
import RecordCore
import RecordStore
import RecordStorePostgres
import TestSupport
import Testing

/// What only the team store does: many writers at once, migrations raced, and the server's refusals said in one
/// line that names the server and never the password.
@Suite(.enabled(if: TestServer.available, TestServer.skipNote))
struct PostgresServerTests {
    @Test func eightWritersUpsertingTheSameThousandKeysMakeExactlyAThousandRecords() throws {
        let location = try TestServer.location()
        let first = try PostgresStore.open(location)
        defer {
            try? first.dropSchema()
            first.close()
        }
        try first.applyType(
            ObjectType(json: ["key": "accounts", "kind": "custom", "fields": [["key": "n", "type": "integer"]]]))
        let keys = (0..<1000).map { "K\($0)" }
        let answers = Answers()
        DispatchQueue.concurrentPerform(iterations: 8) { writer in
            do {
                let store = try PostgresStore.open(location)
                defer { store.close() }
                var order = keys
                order.shuffle()
                // Half the writers send single upserts, half bulk batches of 50 (each batch locks its keys at once).
                if writer % 2 == 0 {
                    for k in order.prefix(250) {
                        let single = Exchange(
                            Dialects.named("native")!,
                            DialectRequest(
                                type: "accounts",
                                body: [
                                    "lookup": ["identifier": "external_id", "value": .string(k)],
                                    "data": ["n": .int(Int64(writer))],
                                ]))
                        let x = try store.perform(single, apply: true, source: WriteSource("w\(writer)"))
                        answers.add(x.plans.map(\.decision))
                    }
                } else {
                    for start in stride(from: 0, to: order.count, by: 50) {
                        let records: [JSONValue] = order[start..<start + 50].map {
                            ["attributes": ["n": .int(Int64(writer))], "identifiers": ["ext_id": .string($0)]]
                        }
                        let bulk = Exchange(
                            Dialects.named("bulk")!,
                            DialectRequest(type: "accounts", body: ["records": .array(records)]))
                        let x = try store.perform(bulk, apply: true, source: WriteSource("w\(writer)"))
                        answers.add(x.plans.map(\.decision))
                    }
                }
            } catch {
                answers.fail("\(error)")
            }
        }
        #expect(answers.errors.isEmpty, "\(answers.errors.prefix(3))")
        #expect(answers.decisions.count == 4 * 250 + 4 * 1000)
        #expect(answers.decisions.allSatisfy { $0 == .create || $0 == .update || $0 == .unchanged })
        #expect(answers.decisions.filter { $0 == .create }.count == 1000)
        let all = try first.allRecords()
        #expect(all.count == 1000)
        #expect(Set(all.compactMap(\.externalID)) == Set(keys))
        #expect(try first.counts(type: "accounts")! == (1000, 0))
    }

    @Test func twoStoresOpeningAFreshSchemaAtOnceBothMigrateIt() throws {
        let location = try TestServer.location()
        let opened = Answers()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do { try PostgresStore.open(location).close() } catch { opened.fail("\(error)") }
        }
        let store = try PostgresStore.open(location)
        try? store.dropSchema()
        store.close()
        #expect(opened.errors.isEmpty, "\(opened.errors)")
    }

    @Test func aDroppedConnectionIsOpenedAgainAndNothingIsWrittenTwice() throws {
        let location = try TestServer.location()
        let store = try PostgresStore.open(location)
        let admin = try PostgresStore.open(location)
        defer {
            try? admin.dropSchema()
            admin.close()
            store.close()
        }
        try store.applyType(ExchangeOnBothStoresTests.contacts)
        let first = try store.perform(ExchangeOnBothStoresTests.upsert("a@x.io"), apply: true, source: WriteSource("t"))
        #expect(first.plans[0].decision == .create)
        // The server ends the store's connection (as a restart does); the next write opens a new one.
        let pid = try store.serverProcessID()
        try admin.executeForTests(["SELECT pg_terminate_backend(\(pid))"])
        let second = try store.perform(
            ExchangeOnBothStoresTests.upsert("a@x.io", ["n": 2]), apply: true, source: WriteSource("t"))
        #expect(second.plans[0].decision == .update)
        #expect(try store.serverProcessID() != pid)
        let all = try admin.allRecords()
        #expect(all.count == 1 && all[0].version == 2)
        #expect(try admin.counts(type: "contacts")! == (1, 0))
    }

    @Test func anUnreachableServerIsOneLineNamingItAndNotThePassword() throws {
        let error = #expect(throws: (any Error).self) {
            try PostgresStore.open(url: "postgres://ops:s3cret@127.0.0.1:1/team?sslmode=disable")
        }
        let text = "\(error!)"
        #expect(text.contains("127.0.0.1:1") && text.contains("refused"), "\(text)")
        #expect(!text.contains("s3cret") && !text.contains("\n"))
    }

    @Test func aWrongPasswordIsRefusedNamingTheUserNotThePassword() throws {
        var location = try TestServer.location()
        location.password = "not-the-password"
        let error = #expect(throws: (any Error).self) { try PostgresStore.open(location) }
        let text = "\(error!)"
        #expect(text.contains(location.server) && text.contains(location.user), "\(text)")
        #expect(!text.contains("not-the-password"))
    }

    @Test func aUserWithoutTheRightToCreateTheSchemaIsToldSo() throws {
        let admin = try PostgresStore.open(TestServer.location())
        defer {
            try? admin.dropSchema()
            admin.close()
        }
        let role = "recdeck_norights_\(getpid())"
        try admin.executeForTests([
            "DROP ROLE IF EXISTS \(role)", "CREATE ROLE \(role) LOGIN PASSWORD 'pw'",
        ])
        defer { try? admin.executeForTests(["DROP ROLE IF EXISTS \(role)"]) }
        var location = try TestServer.location()
        location.user = role
        location.password = "pw"
        let error = #expect(throws: (any Error).self) { try PostgresStore.open(location) }
        let text = "\(error!)"
        #expect(text.contains("may not create") && text.contains(location.schema), "\(text)")
        #expect(!text.contains("pw@"))
    }
}

/// Decisions and errors gathered from several threads.
final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var _decisions: [Decision] = []
    private var _errors: [String] = []
    var decisions: [Decision] { lock.withLock { _decisions } }
    var errors: [String] { lock.withLock { _errors } }
    func add(_ d: [Decision]) { lock.withLock { _decisions += d } }
    func fail(_ e: String) { lock.withLock { _errors.append(e) } }
}

/// Tells, in every run, whether the PostgreSQL tests ran; CI (`RECDECK_REQUIRE_PG=1`) fails without a server.
@Suite struct PostgresAvailabilityTests {
    @Test(.enabled(if: TestServer.required, "RECDECK_REQUIRE_PG is not set: PostgreSQL tests may be skipped"))
    func aServerIsThereWhereOneIsRequired() throws {
        let store = try PostgresStore.open(TestServer.location())
        try? store.dropSchema()
        store.close()
    }
}
