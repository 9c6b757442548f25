import RecordCore

/// Records a view shows, fetched once each by id (a missing or unreadable one stays nil).
final class RecordCache {
    private let backend: any RecordBackend
    private var records: [String: Record?] = [:]

    init(_ backend: any RecordBackend) { self.backend = backend }

    /// The record, from the cache or the backend.
    func callAsFunction(_ id: String) -> Record? {
        if let r = records[id] { return r }
        let r = try? backend.record(id: id)
        records[id] = r
        return r
    }

    /// Forgets every record (after a write changed them).
    func clear() { records = [:] }
}
