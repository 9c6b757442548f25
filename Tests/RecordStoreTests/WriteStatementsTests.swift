import Foundation
import GRDB
import RecordCore
import Testing

@testable import RecordStore

/// The batch write statements bound through SQLite's C API (issue 17) keep the store's guarantees, run in
/// line or on a batch's writer thread (`WritePipeline`), where a failed write is thrown by the next drain.
@Suite struct WriteStatementsTests {
    @Test(arguments: [false, true])
    func aKeyAlreadyHeldIsRefusedByNameAndAStaleUpdateIsRefused(pipelined: Bool) throws {
        let store = try StoreFixtures.store()
        let type = StoreFixtures.contacts
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        func record(_ id: String, _ email: String) -> RecordCore.Record {
            RecordCore.Record(id: id, type: "contacts", data: ["email": .string(email)], createdAt: now)
        }
        /// Writes `write` and waits for it; the error it met, if any.
        func write(_ write: RecordWrite) throws -> Error? {
            try store.writeTransaction("test", commitIf: { _ in false }) { db -> Error? in
                let pipeline = pipelined ? WritePipeline() : nil
                defer { pipeline?.stop() }
                let statements = WriteStatements(db, pipeline: pipeline)
                do {
                    try statements.write(
                        write, type: type, removing: [], adding: write.before == nil ? type.keys(of: write.after) : [],
                        source: WriteSource("test"), at: now)
                    try statements.drain()
                    return nil
                } catch { return error }
            }
        }
        let a = record("a", "x@y.io")
        try store.writeTransaction("test") { db in
            try WriteStatements(db).write(
                RecordWrite(op: .create, before: nil, after: a), type: type, removing: [], adding: type.keys(of: a),
                source: WriteSource("test"), at: now)
        }
        let b = try write(RecordWrite(op: .create, before: nil, after: record("b", "X@y.io")))
        #expect(b is StoreError)
        #expect("\(b.map { "\($0)" } ?? "")".contains("email \"x@y.io\" is already held by another contacts record"))
        // An update expecting a version the row is not at changes nothing and says so.
        var newer = a
        newer.version = 3
        var stale = a
        stale.version = 2
        #expect(try write(RecordWrite(op: .update, before: stale, after: newer)) is StoreError)
        #expect(try write(RecordWrite(op: .update, before: a, after: newer)) == nil)
    }

    /// A writer thread that is behind: the submitting thread serialises the data and revision itself (the
    /// import's creates). Held on a semaphore so the queue really grows; what is stored is the same.
    @Test func writesQueuedBehindABusyWriterStoreTheSameRows() throws {
        let store = try StoreFixtures.store()
        let type = StoreFixtures.contacts
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let records = (0..<200).map { i in
            RecordCore.Record(
                id: "r\(i)", type: "contacts", data: ["email": .string("u\(i)@x.io"), "n": .int(Int64(i))],
                createdAt: now)
        }
        let held = DispatchSemaphore(value: 0), running = DispatchSemaphore(value: 0)
        try store.writeTransaction("test") { db in
            let pipeline = WritePipeline()
            defer { pipeline.stop() }
            let statements = WriteStatements(db, pipeline: pipeline)
            // The writer thread holds before any write is queued: a thread that starts late would otherwise
            // take the first hand-overs together, and the queue measured at the last one would be shorter.
            try pipeline.submit {
                running.signal()
                held.wait()
            }
            for _ in 1..<WritePipeline.handOver { try pipeline.submit {} }
            running.wait()
            for r in records {
                try statements.write(
                    RecordWrite(op: .create, before: nil, after: r), type: type, removing: [], adding: type.keys(of: r),
                    source: WriteSource("test"), at: now)
            }
            #expect(pipeline.backlog > WriteStatements.behind)
            held.signal()
            try statements.finish()
        }
        for r in records {
            #expect(try store.record(id: r.id)?.data == r.data)
            #expect(try store.history(recordID: r.id).count == 1)
        }
        #expect(try store.counts(type: "contacts")?.active == 200)
    }
}
