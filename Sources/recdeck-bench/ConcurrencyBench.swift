import Foundation
import RecordCore
import RecordStore
import RecordStorePostgres

/// `recdeck-bench concurrency [--processes P] [--keys K] [--batch-size B]`: P `recdeck import`
/// processes upsert the same K new keys into one database at once (each in its own shuffled order,
/// each writing its own number, B keys per transaction). There must be exactly K records; every
/// process must get create or update for every key (creates summing to K) and none may see
/// "database is locked". With `server` (a `postgres://` URL) they share that server, in a schema of their own.
enum ConcurrencyBench {
    static func run(processes: Int, keys: Int, batch: Int, server: String? = nil) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recdeck-bench-concurrency-\(getpid())"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = try Target(server: server, folder: folder, name: "c")
        defer { target.drop() }
        let db = target.db
        for p in 0..<processes {
            let lines = (0..<keys).shuffled().map { #"{"email":"k\#($0)@x.io","score":\#(p)}"# }
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: "\(folder)/in\(p).jsonl"))
        }
        let started = Date()
        let children = try (0..<processes).map { p in
            try Child(
                [
                    "import", "--db", db, "--json", "contacts", "\(folder)/in\(p).jsonl", "--key", "$.email",
                    "--batch-size", String(batch),
                ],
                stdout: "\(folder)/out\(p).json", stderr: "\(folder)/err\(p).txt")
        }
        let statuses = children.map { $0.wait() }
        let seconds = Date().timeIntervalSince(started)
        print(
            "concurrency\(server == nil ? "" : " (PostgreSQL)"): \(processes) processes × the same \(keys) new keys, \(batch) per transaction: \(String(format: "%.2f", seconds)) s"
        )
        print("process  exit  create  update  other  locked")
        var creates = 0, problems = 0
        for p in 0..<processes {
            let out = (try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/out\(p).json"))) ?? Data()
            let err = (try? String(contentsOfFile: "\(folder)/err\(p).txt", encoding: .utf8)) ?? ""
            let summary = (try? JSONValue.parse(out)) ?? .null
            let decisions = summary["decisions"]?.objectValue ?? [:]
            let made = Int(decisions["create"]?.intValue ?? 0), updated = Int(decisions["update"]?.intValue ?? 0)
            let other = decisions.filter { $0.key != "create" && $0.key != "update" }.values.compactMap(\.intValue)
                .reduce(0, +)
            let locked = err.lowercased().contains("locked")
            creates += made
            if statuses[p] != 0 || made + updated != keys || locked { problems += 1 }
            print(
                String(
                    format: "%7d  %4d  %6d  %6d  %5d  %@", p + 1, statuses[p], made, updated, Int(other),
                    locked ? "YES" : "no"))
        }
        let records = try target.store().counts(type: "contacts")?.active ?? 0
        print("records: \(records) (expected \(keys)); creates across processes: \(creates)")
        if problems > 0 || records != keys || creates != keys { fail("concurrency guarantee broken") }
        print("ok: exactly \(keys) records, every key create or update in every process, no lock errors")
    }

    /// Where the processes write: a SQLite file in `folder`, or a fresh schema on a PostgreSQL server.
    struct Target {
        let db: String
        let postgres: PostgresLocation?

        /// A new store with the contacts type: `folder/name.sqlite`, or the schema `recdeck_bench_<pid>_<name>`.
        init(server: String?, folder: String, name: String) throws {
            guard let server else {
                db = folder + "/\(name).sqlite"
                postgres = nil
                try CrashBench.prepare(db)
                return
            }
            let schema = "recdeck_bench_\(getpid())_" + name.filter { $0.isLetter || $0.isNumber }
            let location = try PostgresLocation(url: server).with(schema: schema)
            postgres = location
            db = Self.url(server, schema: location.schema)
            let store = try PostgresStore.open(location)
            defer { store.close() }
            try store.applyType(CrashBench.contactsType)
        }

        /// `url` naming `schema` (appended to its query).
        static func url(_ url: String, schema: String) -> String {
            url + (url.contains("?") ? "&" : "?") + "schema=" + schema
        }

        func store() throws -> any RecordStoring {
            if let postgres { return try PostgresStore.open(postgres) }
            return try RecordStore.open(path: db)
        }

        func drop() {
            guard let postgres, let store = try? PostgresStore.open(postgres) else { return }
            try? store.dropSchema()
            store.close()
        }
    }
}
