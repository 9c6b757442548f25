import Foundation
import GRDB
import TestSupport
import Testing

@testable import RecordStore

/// A new store's page size (issue 17): 8 KiB by default, 16 KiB for a store written only in bulk; it is
/// set only when the file is created.
@Suite struct PageSizeTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder("pages") }

    func pageSize(_ s: RecordStore) throws -> Int {
        try s.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
    }

    @Test func aNewStoreTakesTheDefaultAndABulkStoreLargerPages() throws {
        let plain = try RecordStore.open(path: folder.url.appendingPathComponent("a.sqlite").path)
        #expect(try pageSize(plain) == StoreSchema.pageSize)
        let bulk = try RecordStore.open(
            path: folder.url.appendingPathComponent("b.sqlite").path, concurrentReads: true,
            pageSize: RecordStore.bulkPageSize)
        #expect(try pageSize(bulk) == 16384)
    }

    @Test func anExistingStoreKeepsItsPageSize() throws {
        let path = folder.url.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA page_size = 4096; VACUUM") }
        try queue.close()
        let store = try RecordStore.open(path: path, pageSize: RecordStore.bulkPageSize)
        #expect(try pageSize(store) == 4096)
        #expect(try store.types().isEmpty)
    }
}
