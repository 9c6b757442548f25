import Foundation
import GRDB
import RecordCore

/// A copy of the whole store at one moment, kept in memory: the state `recdeck serve` started from, which
/// `POST /__recdeck/reset` restores for test suites that need a clean slate.
public final class ResetPoint: @unchecked Sendable {
    let copy: DatabaseQueue
    init(copy: DatabaseQueue) { self.copy = copy }
}

extension RecordStore {
    /// Copies the store as it is now (SQLite's online backup).
    public func makeResetPoint() throws -> ResetPoint {
        let copy = try DatabaseQueue()
        do { try writer.backup(to: copy) } catch { throw StoreError.wrap(error, path: path) }
        return ResetPoint(copy: copy)
    }

    /// Puts the store back as it was at `point`, every table, in one step (other connections see the
    /// restored state at their next read).
    public func reset(to point: ResetPoint) throws {
        guard !readOnly else { throw StoreError.readOnly("reset") }
        do { try point.copy.backup(to: writer) } catch { throw StoreError.wrap(error, path: path) }
    }
}
