import Dispatch
import Foundation
import RecordCore
import RecordStore

/// Group commit: single-record exchanges that arrive while a transaction is being written wait, then go
/// into the next one together (`RecordStore.serve`), each with its own answer. One writer thread, off the
/// event loop; a lone request still commits at once.
final class GroupCommitter: @unchecked Sendable {
    private typealias Waiter = (ServedRequest, CheckedContinuation<Result<ExchangeOutcome, ServeFailure>, Never>)
    private let store: RecordStore
    private let source: WriteSource
    private let lock = NSLock()
    private var pending: [Waiter] = []
    private var writing = false
    private let queue = DispatchQueue(label: "recdeck.serve.writer")
    /// A transaction takes at most this many requests (a fair share for each group's latency).
    static let maxGroup = 256

    init(store: RecordStore, source: WriteSource) { self.store = store; self.source = source }

    /// The request's outcome once the transaction holding it has committed.
    func submit(_ request: ServedRequest) async -> Result<ExchangeOutcome, ServeFailure> {
        await withCheckedContinuation { continuation in
            let start = lock.withLock { () -> Bool in
                pending.append((request, continuation))
                if writing { return false }
                writing = true
                return true
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Writes groups until nothing waits.
    private func drain() {
        while true {
            let group = lock.withLock { () -> [Waiter] in
                let group = Array(pending.prefix(Self.maxGroup))
                pending.removeFirst(group.count)
                if group.isEmpty { writing = false }
                return group
            }
            if group.isEmpty { return }
            let results: [Result<ExchangeOutcome, ServeFailure>]
            do {
                results = try store.serve(group.map(\.0), source: source)
            } catch {
                results = Array(repeating: .failure(ServeFailure(message: "\(error)")), count: group.count)
            }
            for (waiter, result) in zip(group, results) { waiter.1.resume(returning: result) }
        }
    }
}
