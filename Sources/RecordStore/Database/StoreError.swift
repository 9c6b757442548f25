import GRDB
import RecordCore

/// A store failure with a one-line explanation for the user.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case readOnly(String)
    case notFound(String)
    case invalid(String)
    case locked(String)
    case cannotOpen(String)
    case refused(String)

    public var description: String {
        switch self {
        case .readOnly(let what): return "the database is open read-only: \(what) refused"
        case .notFound(let what): return what
        case .invalid(let what): return what
        case .locked(let path):
            return "database \(path) is locked by another process (waited \(Int(RecordStore.busyTimeout)) s); try again"
        case .cannotOpen(let why): return why
        case .refused(let why): return why
        }
    }

    /// The refusal of a write whose record changed since it was read (its version moved on).
    public static func changedMeanwhile(_ r: Record, _ expectedVersion: Int) -> StoreError {
        .refused("record \(r.id) changed meanwhile (expected version \(expectedVersion)); nothing written")
    }

    /// The refusal of a write adding a key another record of its type holds.
    public static func keyTaken(_ k: IdentifierKey, type: String) -> StoreError {
        .refused("\(k.identifier) \"\(k.value)\" is already held by another \(type) record; nothing written")
    }

    /// Maps SQLite errors to readable ones.
    static func wrap(_ error: any Error, path: String) -> any Error {
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreError.locked(path)
            case .SQLITE_READONLY: return StoreError.readOnly("writing")
            case .SQLITE_CANTOPEN:
                return StoreError.cannotOpen("cannot open database \(path): \(e.message ?? "unable to open")")
            case .SQLITE_NOTADB: return StoreError.cannotOpen("\(path) is not a recdeck database (not SQLite)")
            default: break
            }
        }
        return error
    }
}
