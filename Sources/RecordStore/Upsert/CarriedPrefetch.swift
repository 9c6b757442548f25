import Foundation
import RecordCore

/// The next import batch's key probes, answered during the batch before it (`RecordStore.importBatch`
/// with `next`): the writer thread runs them while the planner plans, where it would otherwise wait.
///
/// They are answered against the state at the start of the earlier batch; every key that batch's writes
/// touched is then dropped, so what is kept is also the state after it. They are used only if no other
/// connection committed in between (`PRAGMA data_version` unchanged), and only by the next batch of the
/// same type.
final class CarriedPrefetch: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: (type: String, dataVersion: Int, found: [IdentifierKey: [Record]])?
    /// Whether the last batch's writer thread kept up (it then has room for the next batch's probes).
    private var writerHadRoom = true

    /// The answers kept for `type` at `dataVersion`, handed over once; nil when there are none or the
    /// database changed meanwhile.
    func take(type: String, dataVersion: Int) -> [IdentifierKey: [Record]]? {
        lock.withLock {
            defer { kept = nil }
            guard let kept, kept.type == type, kept.dataVersion == dataVersion else { return nil }
            return kept.found
        }
    }

    /// Keeps answers for the next batch (after the batch that made them committed).
    func keep(type: String, dataVersion: Int, found: [IdentifierKey: [Record]]) {
        lock.withLock { kept = (type, dataVersion, found) }
    }

    /// Forgets what is kept (the batch that made it did not commit).
    func clear() { lock.withLock { kept = nil } }

    /// Whether to carry the next batch's probes: only when the writer thread kept up last time (an
    /// import's creates keep it busy; its updates leave it idle).
    var carrying: Bool {
        get { lock.withLock { writerHadRoom } }
        set { lock.withLock { writerHadRoom = newValue } }
    }
}
