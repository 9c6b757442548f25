import Foundation
import RecordStore

/// Reads an import file's next batches on a thread of its own while the store plans and writes the current
/// one: reading and parsing a batch is a fifth of an import's work, and the machine has a core for it.
///
/// At most `depth` batches wait (memory stays bounded); they come out in file order, then the reader's
/// error if it met one, then the end. Dropping the `ReadAhead` stops the thread.
final class ReadAhead {
    /// One batch read ahead, with how far into the file it reached.
    struct Batch {
        var items: [ImportItem]
        var bytesConsumed: Int
    }

    let fileSize: Int
    /// The file is read line by line (`ImportReader.readsLines`).
    let readsLines: Bool
    private let shared: Shared

    init(_ reader: ImportReader, batchSize: Int, depth: Int = 2) {
        fileSize = reader.fileSize
        readsLines = reader.readsLines
        let shared = Shared(depth: depth)
        self.shared = shared
        let box = ReaderBox(reader)
        let thread = Thread { shared.produce(box, batchSize: batchSize) }
        thread.name = "recdeck-reader"
        thread.start()
    }

    deinit { shared.cancel() }

    /// The next batch, or nil at the end of the file; rethrows what reading it met.
    func next() throws -> Batch? { try shared.take() }

    /// The batch `next` will return (`after` 0), or the one after it (1), if it is already read (without
    /// waiting); nil otherwise.
    func peek(after n: Int = 0) -> Batch? { shared.peek(n) }

    /// The reader, handed to the reading thread (only it touches it from then on).
    private final class ReaderBox: @unchecked Sendable {
        var reader: ImportReader
        init(_ reader: ImportReader) { self.reader = reader }
    }

    /// The queue between the reading thread and the importer; every field is guarded by `condition`.
    private final class Shared: @unchecked Sendable {
        private let condition = NSCondition()
        private let depth: Int
        private var ready: [Result<Batch, Error>] = []
        private var ended = false
        private var cancelled = false

        init(depth: Int) { self.depth = depth }

        func produce(_ box: ReaderBox, batchSize: Int) {
            while true {
                condition.lock()
                while ready.count >= depth && !cancelled { condition.wait() }
                let stop = cancelled
                condition.unlock()
                if stop { return }
                let result: Result<Batch, Error>?
                do {
                    let items = try box.reader.next(batchSize)
                    result =
                        items.isEmpty ? nil : .success(Batch(items: items, bytesConsumed: box.reader.bytesConsumed))
                } catch {
                    result = .failure(error)
                }
                condition.lock()
                if let result { ready.append(result) }
                // The end of the file, or an error: nothing follows either.
                let last: Bool
                if case .success = result { last = false } else { last = true }
                if last { ended = true }
                condition.broadcast()
                condition.unlock()
                if last { return }
            }
        }

        func take() throws -> Batch? {
            condition.lock()
            defer { condition.unlock() }
            while ready.isEmpty && !ended { condition.wait() }
            guard !ready.isEmpty else { return nil }
            let first = ready.removeFirst()
            condition.broadcast()
            return try first.get()
        }

        func peek(_ n: Int) -> Batch? {
            condition.lock()
            defer { condition.unlock() }
            guard n < ready.count, case .success(let batch) = ready[n] else { return nil }
            return batch
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
