import Foundation
import PostgresNIO
import RecordCore
import RecordStore

extension PostgresStore: RecordStoring {
    public var location: String { server.description }

    public func types() throws -> [TypeSummary] {
        try read { _ in
            var pending: [String: Int] = [:]
            for row in try link.rows("SELECT type, count(*) FROM conflicts WHERE status = 'pending' GROUP BY type") {
                let (type, n) = try row.decode((String, Int64).self)
                pending[type] = Int(n)
            }
            return try link.rows("SELECT key, schema, active, archived FROM types ORDER BY key").map { row in
                let (key, schema, active, archived) = try row.decode((String, String, Int64, Int64).self)
                return TypeSummary(
                    type: try parsedType(key, schema: schema), active: Int(active), archived: Int(archived),
                    pendingConflicts: pending[key] ?? 0)
            }
        }
    }

    public func list(type: String, filter: ArchiveFilter, after cursor: Int64?, limit: Int) throws -> RecordPage {
        let state: String
        switch filter {
        case .active: state = "AND NOT r.archived"
        case .archived: state = "AND r.archived"
        case .all: state = ""
        }
        let rows = try read { _ in
            try link.rows(
                """
                SELECT r.seq, \(unescaped: PostgresRecordRow.columns) FROM records r
                WHERE r.type = \(type) AND r.seq > \(cursor ?? 0) \(unescaped: state)
                ORDER BY r.seq LIMIT \(limit + 1)
                """)
        }
        var records: [Record] = []
        var last: Int64?
        for row in rows.prefix(limit) {
            last = try row.makeRandomAccess()[0].decode(Int64.self)
            records.append(try PostgresRecordRow.record(row, at: 1))
        }
        return RecordPage(records: records, next: rows.count > limit ? last : nil)
    }

    /// A batch in one transaction: every key it probes locked (sorted) and fetched at once, then its items
    /// planned and applied in order; prompt-mode conflicts are parked.
    public func importBatch(_ items: [ImportItem], type: String, source: WriteSource, next: [ImportItem]) throws
        -> [Plan]
    {
        try write("import") { tx in
            try tx.applyBatch(
                items.map { DecodedItem(request: $0.request, body: $0.body ?? .null) }, type: tx.objectType(type),
                source: source, parkConflicts: "native")
        }
    }

    public func importStream(
        type: String, next: () throws -> ImportBatch?, following: (Int) -> [ImportItem]?,
        committed: (ImportBatch, [Plan]) throws -> Void
    ) throws {
        while let batch = try next() {
            try committed(batch, try importBatch(batch.items, type: type, source: batch.source, next: []))
        }
    }

    public func process(id: String) throws -> BulkProcess? {
        try read { _ in
            try link.rows("\(unescaped: Self.processSelect) WHERE id = \(id)").first.map(Self.process)
        }
    }

    public func recentProcesses(limit: Int) throws -> [BulkProcess] {
        try read { _ in
            try link.rows("\(unescaped: Self.processSelect) ORDER BY created_at DESC, seq DESC LIMIT \(limit)")
                .map(Self.process)
        }
    }

    static let processSelect = "SELECT id, type, dialect, status, results::text, created_at FROM processes"

    static func process(_ row: PostgresRow) throws -> BulkProcess {
        let (id, type, dialect, status, results, createdAt) = try row.decode(
            (String, String?, String, String, String, Date).self)
        guard let status = ProcessStatus(rawValue: status), let list = try? JSONValue.parse(results).arrayValue else {
            throw StoreError.invalid("stored process \(id) is unreadable")
        }
        return BulkProcess(
            id: id, type: type ?? "", dialect: dialect, status: status, results: list,
            createdAt: Timestamp.format(createdAt))
    }
}
