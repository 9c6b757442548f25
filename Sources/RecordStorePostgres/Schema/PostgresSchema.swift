import Foundation
import PostgresNIO
import RecordStore

/// The PostgreSQL schema: the SQLite store's tables (DESIGN §2, §9) in a schema of their own (`recdeck`,
/// or the URL's `?schema=`), `timestamptz` times and identity `seq`s. Migrations run on first use, under
/// an advisory lock so two recdecks starting together do not both run them.
///
/// `data` is `json`, not `jsonb`: `json` keeps the text as written — the key order the TUI shows and export
/// writes, exactly as the SQLite store returns it — while jsonb would reorder keys (README › Team store).
/// Text that must compare by bytes, as SQLite's does (ids, keys, names in keyset paging), is `COLLATE "C"`.
enum PostgresSchema {
    /// Named migrations, in order; each runs in one transaction and is recorded in `migrations`.
    static let migrations: [(name: String, statements: [String])] = [
        (
            "v1",
            [
                "CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL)",
                """
                CREATE TABLE types(
                    key text COLLATE "C" PRIMARY KEY,
                    schema text NOT NULL,
                    autonumber bigint NOT NULL DEFAULT 0,
                    active bigint NOT NULL DEFAULT 0,
                    archived bigint NOT NULL DEFAULT 0,
                    updated_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE records(
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id text COLLATE "C" NOT NULL UNIQUE,
                    type text COLLATE "C" NOT NULL REFERENCES types(key),
                    name text COLLATE "C",
                    external_id text COLLATE "C",
                    data json NOT NULL,
                    parent_id text COLLATE "C",
                    associations json,
                    archived boolean NOT NULL DEFAULT false,
                    archived_at timestamptz,
                    version bigint NOT NULL,
                    created_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL,
                    merged_into text COLLATE "C",
                    last_rev bigint)
                """,
                "CREATE INDEX records_by_type_state ON records(type, archived, seq)",
                "CREATE INDEX records_by_type_name ON records(type, lower(name), seq) WHERE name IS NOT NULL",
                "CREATE INDEX records_by_parent ON records(parent_id) WHERE parent_id IS NOT NULL",
                """
                CREATE TABLE record_keys(
                    type text COLLATE "C" NOT NULL,
                    identifier text COLLATE "C" NOT NULL,
                    value text COLLATE "C" NOT NULL,
                    record_seq bigint NOT NULL,
                    cased boolean NOT NULL DEFAULT false,
                    PRIMARY KEY(type, identifier, value))
                """,
                """
                CREATE TABLE revisions(
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    record_id text COLLATE "C" NOT NULL,
                    version bigint NOT NULL,
                    op text NOT NULL,
                    after json NOT NULL,
                    source text NOT NULL,
                    batch text,
                    at timestamptz NOT NULL,
                    previous bigint)
                """,
                "CREATE INDEX revisions_by_record ON revisions(record_id, version)",
                "CREATE INDEX revisions_by_batch ON revisions(batch) WHERE batch IS NOT NULL",
                """
                CREATE TABLE associations(
                    from_id text COLLATE "C" NOT NULL,
                    to_id text COLLATE "C" NOT NULL,
                    PRIMARY KEY(from_id, to_id))
                """,
                "CREATE INDEX associations_by_target ON associations(to_id)",
                """
                CREATE TABLE idempotency_keys(
                    key text PRIMARY KEY,
                    type text NOT NULL,
                    fingerprint text NOT NULL,
                    decision text NOT NULL,
                    record_id text,
                    at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE conflicts(
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    type text NOT NULL,
                    dialect text NOT NULL DEFAULT 'native',
                    request text NOT NULL,
                    plan json NOT NULL,
                    record_id text,
                    source text NOT NULL,
                    batch text,
                    status text NOT NULL DEFAULT 'pending',
                    resolution text,
                    created_at timestamptz NOT NULL,
                    resolved_at timestamptz)
                """,
                "CREATE INDEX conflicts_by_status ON conflicts(status, type)",
                """
                CREATE TABLE processes(
                    id text PRIMARY KEY,
                    type text,
                    dialect text NOT NULL,
                    status text NOT NULL,
                    items integer NOT NULL,
                    results json NOT NULL,
                    source text NOT NULL,
                    created_at timestamptz NOT NULL,
                    seq bigint GENERATED ALWAYS AS IDENTITY)
                """,
                "CREATE INDEX processes_by_time ON processes(created_at, seq)",
                """
                CREATE TABLE merges(
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    type text NOT NULL,
                    survivor_id text NOT NULL,
                    loser_ids json NOT NULL,
                    plan json NOT NULL,
                    source text NOT NULL,
                    at timestamptz NOT NULL,
                    undone_at timestamptz,
                    run_id text)
                """,
                "CREATE INDEX merges_by_run ON merges(run_id) WHERE run_id IS NOT NULL",
                """
                CREATE TABLE merge_runs(
                    id text PRIMARY KEY,
                    type text NOT NULL,
                    match text NOT NULL,
                    rules text NOT NULL,
                    min_score double precision NOT NULL,
                    source text NOT NULL,
                    started_at timestamptz NOT NULL,
                    finished_at timestamptz,
                    undone_at timestamptz)
                """,
                """
                CREATE TABLE merge_run_groups(
                    run_id text NOT NULL,
                    position integer NOT NULL,
                    record_ids json NOT NULL,
                    score double precision NOT NULL,
                    reason text NOT NULL,
                    status text NOT NULL,
                    note text,
                    merge_id bigint,
                    PRIMARY KEY(run_id, position))
                """,
                """
                CREATE TABLE requests(
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    at timestamptz NOT NULL,
                    dialect text NOT NULL,
                    method text NOT NULL,
                    path text NOT NULL,
                    query text NOT NULL,
                    headers json NOT NULL,
                    body text NOT NULL,
                    status integer NOT NULL,
                    response text NOT NULL,
                    decision text,
                    record_id text,
                    process_id text,
                    ms double precision NOT NULL,
                    conflict_id bigint,
                    resolution text)
                """,
                "CREATE INDEX requests_by_conflict ON requests(conflict_id) WHERE conflict_id IS NOT NULL",
            ]
        ),
        (
            // Room on each page of `records` for a row's next version: an update that changes no indexed column
            // (data, version, times — most updates) is then written beside the old one without touching any
            // index (a HOT update). Measured: an import's update pass (README › Benchmark).
            "v2-records-fillfactor", ["ALTER TABLE records SET (fillfactor = 70)"]
        ),
    ]

    /// The advisory lock migrations run under (a constant: "recdeck" in ASCII).
    static let migrationLock: Int64 = 0x7265_6364_6563_6B00

    /// Creates the schema when missing and runs the migrations it lacks. A store that is up to date is
    /// only read. Without the rights to create the schema, one line says so.
    static func migrateIfBehind(_ link: PostgresLink, readOnly: Bool) throws {
        let schema = link.location.schema
        let applied = try appliedMigrations(link)
        if let applied, migrations.allSatisfy({ applied.contains($0.name) }) { return }
        if readOnly {
            throw StoreError.cannotOpen(
                "\(link.location) has no up-to-date recdeck schema \"\(schema)\"; open it once without --read-only")
        }
        try link.execute(sql: "BEGIN")
        do {
            try link.execute(sql: "SELECT pg_advisory_xact_lock(\(migrationLock))")
            do {
                try link.execute(sql: "CREATE SCHEMA IF NOT EXISTS \(quoted(schema))")
            } catch let e as PostgresFailure where e.sqlState == "42501" {
                throw StoreError.cannotOpen(
                    "\(link.location): the schema \"\(schema)\" does not exist and user \(link.location.user) may not create it; ask for CREATE on database \(link.location.database), or name another schema with ?schema="
                )
            }
            try link.execute(
                sql:
                    "CREATE TABLE IF NOT EXISTS migrations(name text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())"
            )
            let done = try appliedMigrations(link) ?? []
            for m in migrations where !done.contains(m.name) {
                for statement in m.statements { try link.execute(sql: statement) }
                try link.execute("INSERT INTO migrations(name) VALUES (\(m.name))")
            }
            try link.execute(sql: "COMMIT")
        } catch {
            try? link.execute(sql: "ROLLBACK")
            throw error
        }
    }

    /// The migrations already run, or nil when the schema has no migrations table yet.
    private static func appliedMigrations(_ link: PostgresLink) throws -> Set<String>? {
        let exists = try link.rows("SELECT to_regclass('migrations') IS NOT NULL").first?.decode(Bool.self) ?? false
        guard exists else { return nil }
        return Set(try link.rows("SELECT name FROM migrations").map { try $0.decode(String.self) })
    }

    /// An identifier quoted for SQL.
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
