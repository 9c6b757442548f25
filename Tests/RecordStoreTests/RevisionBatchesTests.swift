import Foundation
import GRDB
import RecordCore
import TestSupport
import Testing

@testable import RecordStore

/// A batch's revisions are found through the revision id ranges its transactions recorded
/// (`revision_batches`, migration v12, issue 17) instead of an index entry per revision.
@Suite struct RevisionBatchesTests {
    func store() throws -> RecordStore { try StoreFixtures.store() }

    func items(_ emails: [String], n: Int) -> [ImportItem] { StoreFixtures.importItems(emails, n: n) }

    func n(_ s: RecordStore, _ email: String) throws -> Int64? {
        let page = try s.page(RecordQuery(type: "contacts", filter: .prefix(email)), from: nil, limit: 1)
        return page.first?.record.data.objectValue?["n"]?.intValue
    }

    /// One label written in two transactions, another label between them: undoing the first reverts both
    /// of its transactions and nothing of the other.
    @Test func undoingABatchRevertsItsRangesOnly() throws {
        let s = try store()
        func write(_ emails: [String], n: Int, batch: String) throws {
            _ = try s.importBatch(items(emails, n: n), type: "contacts", source: WriteSource("t", batch: batch))
        }
        try write(["a@x.io", "b@x.io"], n: 1, batch: "b1")
        try write(["a@x.io", "c@x.io"], n: 2, batch: "b2")
        try write(["b@x.io"], n: 3, batch: "b1")
        let ranges = try s.read { db in
            try Row.fetchAll(db, sql: "SELECT batch, first, last FROM revision_batches ORDER BY first").map {
                "\($0["batch"] as String):\($0["first"] as Int64)-\($0["last"] as Int64)"
            }
        }
        #expect(ranges == ["b1:1-2", "b2:3-4", "b1:5-5"])
        let ids = try s.read { db in try RecordStore.revisionIDs(inBatch: "b1", db) }
        #expect(ids == [5, 2, 1])

        // Undoing b2 reverts a's update and c's create; b keeps what b1 wrote in both its transactions.
        let reverted = try s.undoBatch("b2", source: WriteSource("t"))
        #expect(reverted.count == 2)
        #expect(try n(s, "a@x.io") == 1)
        #expect(try n(s, "b@x.io") == 3)
        #expect(try s.counts(type: "contacts")?.active == 2)
    }

    /// A bulk archive shares one set of statements: one range for its batch, the counts written once, and
    /// its undo (another shared set) restores both.
    @Test func aBulkArchiveIsOneRangeAndUndoesWhole() throws {
        let s = try store()
        let plans = try s.importBatch(
            items(["a@x.io", "b@x.io", "c@x.io"], n: 1), type: "contacts", source: WriteSource("t"))
        let ids = plans.compactMap(\.record?.id)
        try s.archive(type: "contacts", ids: ids, source: WriteSource("t", batch: "bulk"))
        #expect(try s.counts(type: "contacts")! == (0, 3))
        let rows = try s.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM revision_batches WHERE batch = 'bulk'")
        }
        #expect(rows == 1)
        #expect(try s.undoBatch("bulk", source: WriteSource("t")).count == 3)
        #expect(try s.counts(type: "contacts")! == (3, 0))
    }

    /// A database from before v12: each label's revisions become one range and the per-revision index goes.
    @Test func migrationBuildsRangesFromExistingRevisions() throws {
        let queue = try DatabaseQueue()
        try StoreSchema.migrator.migrate(queue, upTo: "v11-cased-keys-index")
        try queue.write { db in
            for (id, batch) in [(1, "x"), (2, "y"), (3, "x"), (4, nil)] as [(Int, String?)] {
                try db.execute(
                    sql: """
                        INSERT INTO revisions(id, record_id, version, op, after, source, batch, at)
                        VALUES (?, 'r', ?, 'update', '{}', 't', ?, '2026-01-01T00:00:00Z')
                        """,
                    arguments: [id, id, batch])
            }
        }
        try StoreSchema.migrator.migrate(queue)
        let (x, y, index) = try queue.read { db in
            (
                try RecordStore.revisionIDs(inBatch: "x", db), try RecordStore.revisionIDs(inBatch: "y", db),
                try String.fetchOne(db, sql: "SELECT name FROM sqlite_master WHERE name = 'revisions_by_batch'")
            )
        }
        // The range of x holds y's revision 2: readers check each revision's own label.
        #expect(x == [3, 1])
        #expect(y == [2])
        #expect(index == nil)
    }
}
