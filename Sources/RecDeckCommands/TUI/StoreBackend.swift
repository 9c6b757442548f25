import Foundation
import RecordCore
import RecordStore
import RecordTUI

/// The TUI's backend: the record store, with every write tagged `tui` in its revisions.
public final class StoreBackend: RecordBackend {
    let store: RecordStore
    let source = WriteSource("tui")

    public init(store: RecordStore) { self.store = store }

    public var readOnly: Bool { store.readOnly }
    public var location: String { URL(fileURLWithPath: store.path).lastPathComponent }

    public func types() throws -> [TypeSummary] { try store.types() }
    public func objectType(_ key: String) throws -> ObjectType? { try store.objectType(key) }
    public func page(_ query: RecordQuery, from key: PageKey?, direction: PageDirection, limit: Int) throws -> [ListedRecord] {
        try store.page(query, from: key, direction: direction, limit: limit)
    }
    public func count(_ query: RecordQuery) throws -> Int? { try store.count(query) }
    public func record(id: String) throws -> Record? { try store.record(id: id) }
    public func history(recordID: String) throws -> [Revision] { try store.history(recordID: recordID) }
    public func plan(_ request: UpsertRequest) throws -> Plan { try store.plan(request) }
    public func upsert(_ request: UpsertRequest) throws -> Plan { try store.upsert(request, source: source) }
    public func exchange(_ dialect: any Dialect, type: String?, query: [(String, String)], bytes: [UInt8], apply: Bool) throws -> DialectExchange {
        try store.exchange(dialect, type: type, query: query, bytes: bytes, apply: apply, source: source)
    }
    public func archive(type: String, ids: [String]) throws -> [Record] { try store.archive(type: type, ids: ids, source: source) }
    public func restore(type: String, ids: [String]) throws -> [Record] { try store.restore(type: type, ids: ids, source: source) }
    public func undo(revision: Int64) throws -> Record { try store.undo(revision: revision, source: source) }
    public func conflicts() throws -> [ConflictEntry] { try store.conflicts() }
    public func resolveConflict(id: Int64, request: UpsertRequest?, resolution: String) throws -> Plan? {
        try store.resolveConflict(id: id, request: request, resolution: resolution, source: source)
    }
}
