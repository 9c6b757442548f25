import GRDB
import RecordCore

/// Migrations of the recdeck database.
enum StoreSchema {
    /// Runs the migrations an older (or new, empty) database lacks. An up-to-date one is only read, so
    /// opening it neither changes the file nor waits for another process's write lock.
    static func migrateIfBehind(_ writer: any DatabaseWriter, pageSize: Int = pageSize) throws {
        let migrator = migrator
        if try writer.read({ db in try migrator.hasCompletedMigrations(db) }) { return }
        // WAL (readers never block the writer) and the page size are properties of the file: set once, when
        // it is created (a page size only takes on an empty file; an older store keeps its own).
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try migrator.migrate(writer)
    }

    /// A new store's page size. A commit writes every page it dirtied whole to the WAL, one system call per
    /// page: an import (a thousand records per commit, nine B-tree entries each) runs 8–10% faster on 8 KiB
    /// pages than on SQLite's 4 KiB; a lone write's commit writes more bytes and is 15% slower. 8 KiB is
    /// the middle; a file's cache (`bulkPageSize`), written only in bulk, takes 16 KiB (README › Benchmark).
    static let pageSize = 8192

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE types(
                        key TEXT PRIMARY KEY,
                        schema TEXT NOT NULL,
                        autonumber INTEGER NOT NULL DEFAULT 0,
                        active INTEGER NOT NULL DEFAULT 0,
                        archived INTEGER NOT NULL DEFAULT 0,
                        updated_at TEXT NOT NULL);
                    CREATE TABLE records(
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL REFERENCES types(key),
                        name TEXT,
                        external_id TEXT,
                        data TEXT NOT NULL,
                        parent_id TEXT,
                        associations TEXT,
                        archived INTEGER NOT NULL DEFAULT 0,
                        archived_at TEXT,
                        version INTEGER NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        merged_into TEXT);
                    CREATE INDEX records_by_type ON records(type, seq);
                    CREATE INDEX records_by_type_state ON records(type, archived, seq);
                    CREATE INDEX records_by_parent ON records(parent_id) WHERE parent_id IS NOT NULL;
                    CREATE TABLE record_keys(
                        type TEXT NOT NULL,
                        identifier TEXT NOT NULL,
                        value TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        PRIMARY KEY(type, identifier, value)) WITHOUT ROWID;
                    CREATE INDEX record_keys_by_record ON record_keys(record_id);
                    CREATE TABLE revisions(
                        id INTEGER PRIMARY KEY,
                        record_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        op TEXT NOT NULL,
                        after TEXT NOT NULL,
                        source TEXT NOT NULL,
                        batch TEXT,
                        at TEXT NOT NULL);
                    CREATE INDEX revisions_by_record ON revisions(record_id, version);
                    CREATE TABLE associations(
                        from_id TEXT NOT NULL,
                        to_id TEXT NOT NULL,
                        PRIMARY KEY(from_id, to_id)) WITHOUT ROWID;
                    CREATE INDEX associations_by_target ON associations(to_id);
                    CREATE TABLE idempotency_keys(
                        key TEXT PRIMARY KEY,
                        type TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        decision TEXT NOT NULL,
                        record_id TEXT,
                        at TEXT NOT NULL);
                    CREATE TABLE conflicts(
                        id INTEGER PRIMARY KEY,
                        type TEXT NOT NULL,
                        request TEXT NOT NULL,
                        plan TEXT NOT NULL,
                        record_id TEXT,
                        source TEXT NOT NULL,
                        batch TEXT,
                        status TEXT NOT NULL DEFAULT 'pending',
                        resolution TEXT,
                        created_at TEXT NOT NULL,
                        resolved_at TEXT);
                    CREATE INDEX conflicts_by_status ON conflicts(status, type);
                    -- Per-type counts kept by triggers, so the Types view never scans records.
                    -- Records are never deleted, so inserts and archive flips are the only changes.
                    CREATE TRIGGER records_count_insert AFTER INSERT ON records BEGIN
                        UPDATE types SET active = active + (NEW.archived = 0), archived = archived + (NEW.archived = 1)
                        WHERE key = NEW.type;
                    END;
                    CREATE TRIGGER records_count_update AFTER UPDATE OF archived ON records
                    WHEN OLD.archived != NEW.archived BEGIN
                        UPDATE types SET active = active + (NEW.archived = 0) - (OLD.archived = 0),
                                         archived = archived + (NEW.archived = 1) - (OLD.archived = 1)
                        WHERE key = NEW.type;
                    END;
                    """)
        }
        m.registerMigration("v2-processes") { db in
            // Bulk requests: each record's result, kept under the process id the 202 answer gave.
            try db.execute(
                sql: """
                    CREATE TABLE processes(
                        id TEXT PRIMARY KEY,
                        type TEXT NOT NULL,
                        dialect TEXT NOT NULL,
                        status TEXT NOT NULL,
                        items INTEGER NOT NULL,
                        results TEXT NOT NULL,
                        source TEXT NOT NULL,
                        created_at TEXT NOT NULL);
                    CREATE INDEX processes_by_time ON processes(created_at);
                    """)
        }
        m.registerMigration("v3-browse") { db in
            // The dialect a parked conflict's request is written in, so the TUI can resolve it; and the
            // index the Records view's name order pages through (keyset on (name, seq)).
            try db.execute(
                sql: """
                    ALTER TABLE conflicts ADD COLUMN dialect TEXT NOT NULL DEFAULT 'native';
                    CREATE INDEX records_by_type_name ON records(type, ifnull(name, ''), seq);
                    """)
        }
        m.registerMigration("v4-merges") { db in
            // Each merge: its records and plan; the writes carry the batch `merge:<id>`, so undo finds them.
            try db.execute(
                sql: """
                    CREATE TABLE merges(
                        id INTEGER PRIMARY KEY,
                        type TEXT NOT NULL,
                        survivor_id TEXT NOT NULL,
                        loser_ids TEXT NOT NULL,
                        plan TEXT NOT NULL,
                        source TEXT NOT NULL,
                        at TEXT NOT NULL,
                        undone_at TEXT);
                    CREATE INDEX revisions_by_batch ON revisions(batch) WHERE batch IS NOT NULL;
                    """)
        }
        m.registerMigration("v5-case-insensitive-browse") { db in
            // Filters find identifier values and names whatever their case, and the name order ignores
            // case: both read NOCASE indexes. The name index is rebuilt NOCASE (it served only browsing).
            try db.execute(
                sql: """
                    CREATE INDEX record_keys_nocase ON record_keys(type, identifier, value COLLATE NOCASE, value);
                    DROP INDEX records_by_type_name;
                    CREATE INDEX records_by_type_name ON records(type, ifnull(name, '') COLLATE NOCASE, seq);
                    """)
        }
        m.registerMigration("v6-merge-runs") { db in
            // Bulk merges (issue 16): a run groups its merges (for `undo --batch RUN`) and keeps every group it
            // met — merged, skipped with the reason, or waiting in the review queue — with the rule set it used.
            try db.execute(
                sql: """
                    ALTER TABLE merges ADD COLUMN run_id TEXT;
                    CREATE INDEX merges_by_run ON merges(run_id) WHERE run_id IS NOT NULL;
                    CREATE TABLE merge_runs(
                        id TEXT PRIMARY KEY,
                        type TEXT NOT NULL,
                        match TEXT NOT NULL,
                        rules TEXT NOT NULL,
                        min_score REAL NOT NULL,
                        source TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        finished_at TEXT,
                        undone_at TEXT);
                    CREATE TABLE merge_run_groups(
                        run_id TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        record_ids TEXT NOT NULL,
                        score REAL NOT NULL,
                        reason TEXT NOT NULL,
                        status TEXT NOT NULL,
                        note TEXT,
                        merge_id INTEGER,
                        PRIMARY KEY(run_id, position)) WITHOUT ROWID;
                    """)
        }
        m.registerMigration("v7-fewer-indexes") { db in
            // No query reads record_keys by record id (keys are removed by their primary key): the index only
            // cost a B-tree write per key.
            try db.execute(sql: "DROP INDEX record_keys_by_record")
        }
        m.registerMigration("v8-journal") { db in
            // The sandbox server's journal (DESIGN §8): every request it answered, credentials redacted.
            try db.execute(
                sql: """
                    CREATE TABLE requests(
                        id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        dialect TEXT NOT NULL,
                        method TEXT NOT NULL,
                        path TEXT NOT NULL,
                        query TEXT NOT NULL,
                        headers TEXT NOT NULL,
                        body TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        response TEXT NOT NULL,
                        decision TEXT,
                        record_id TEXT,
                        process_id TEXT,
                        ms REAL NOT NULL);
                    """)
        }
        m.registerMigration("v9-journal-conflicts") { db in
            // A prompt-mode conflict the server parked, and how it was resolved later (from the TUI).
            try db.execute(sql: "ALTER TABLE requests ADD COLUMN conflict_id INTEGER")
            try db.execute(sql: "ALTER TABLE requests ADD COLUMN resolution TEXT")
            try db.execute(
                sql: "CREATE INDEX requests_by_conflict ON requests(conflict_id) WHERE conflict_id IS NOT NULL")
        }
        m.registerMigration("v10-counts-without-triggers") { db in
            // The writer keeps the per-type counts (`WriteStatements.finish`, one UPDATE per batch): the
            // triggers made every INSERT into `records` open a statement journal (13% of an import).
            try db.execute(sql: "DROP TRIGGER records_count_insert; DROP TRIGGER records_count_update")
        }
        m.registerMigration("v11-cased-keys-index") { db in
            // Only keys that keep their case need the NOCASE index for the case-insensitive prefix filter; the
            // others (lowercased, or digits) sort the same in the keys' primary key. One B-tree write fewer
            // per key of every other identifier (an email's, a phone's).
            try db.execute(sql: "ALTER TABLE record_keys ADD COLUMN cased INTEGER NOT NULL DEFAULT 0")
            for row in try Row.fetchAll(db, sql: "SELECT key, schema FROM types") {
                let text: String = row["schema"]
                // An unreadable schema is refused when the type is used; its keys stay as they are.
                guard let type = try? ObjectType(json: JSONValue.parse(text)) else { continue }
                for name in type.casedIdentifiers.sorted() {
                    try db.execute(
                        sql: "UPDATE record_keys SET cased = 1 WHERE type = ? AND identifier = ?",
                        arguments: [row["key"] as String, name])
                }
            }
            try db.execute(
                sql: """
                    DROP INDEX record_keys_nocase;
                    CREATE INDEX record_keys_nocase ON record_keys(type, identifier, value COLLATE NOCASE, value)
                        WHERE cased = 1;
                    """)
        }
        m.registerMigration("v12-revision-batch-ranges") { db in
            // A batch's revisions are found through the revision id ranges each transaction wrote under its
            // label (`WriteStatements.finish`), one row per batch instead of an index entry per revision.
            // Ranges may hold other revisions; readers also check `revisions.batch`.
            try db.execute(
                sql: """
                    CREATE TABLE revision_batches(
                        batch TEXT NOT NULL,
                        first INTEGER NOT NULL,
                        last INTEGER NOT NULL,
                        PRIMARY KEY(batch, first)) WITHOUT ROWID;
                    INSERT INTO revision_batches(batch, first, last)
                        SELECT batch, min(id), max(id) FROM revisions WHERE batch IS NOT NULL GROUP BY batch;
                    DROP INDEX revisions_by_batch;
                    """)
        }
        m.registerMigration("v13-one-insertion-index") { db in
            // Insertion order is read from `(type, archived, seq)` alone (all records: its two ranges merged),
            // so `(type, seq)` goes: one B-tree write fewer per new record.
            try db.execute(sql: "DROP INDEX records_by_type")
        }
        m.registerMigration("v14-revision-chains") { db in
            // A record's revisions are read as a chain — the row names its latest, each revision the one
            // before — instead of through an index by record id: one B-tree entry (a 36-character id) fewer
            // per write. The chains are built from that index, which then goes.
            try db.execute(
                sql: """
                    ALTER TABLE revisions ADD COLUMN previous INTEGER;
                    ALTER TABLE records ADD COLUMN last_rev INTEGER;
                    UPDATE revisions SET previous = (
                        SELECT max(p.id) FROM revisions p WHERE p.record_id = revisions.record_id AND p.id < revisions.id);
                    UPDATE records SET last_rev = (SELECT max(id) FROM revisions WHERE record_id = records.id);
                    DROP INDEX revisions_by_record;
                    """)
        }
        m.registerMigration("v15-named-records-index") { db in
            // The name index holds only named records (the name filters never match a missing name), so a
            // type without names — a schemaless import, an opened file — writes no entry to it. Sorting by the
            // name reads a sort index built the first time a listing asks for it, like any column's.
            try db.execute(
                sql: """
                    DROP INDEX records_by_type_name;
                    CREATE INDEX records_by_type_name ON records(type, ifnull(name, '') COLLATE NOCASE, seq)
                        WHERE name IS NOT NULL;
                    """)
        }
        m.registerMigration("v16-keys-point-at-seq") { db in
            // A key points at its record's `seq`, not its 36-character id: the lookup joins by one rowid seek
            // instead of an index seek and a rowid seek, and a key row is about half as long.
            try db.execute(
                sql: """
                    ALTER TABLE record_keys ADD COLUMN record_seq INTEGER;
                    UPDATE record_keys SET record_seq = (SELECT seq FROM records WHERE id = record_keys.record_id);
                    ALTER TABLE record_keys DROP COLUMN record_id;
                    """)
        }
        return m
    }
}
