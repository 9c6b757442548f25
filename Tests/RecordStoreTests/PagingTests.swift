import Foundation
import Testing
import RecordCore
import RecordStore

@Suite struct PagingTests {
    /// 250 contacts; every 5th has no name; every 7th is archived.
    func store() throws -> RecordStore {
        let s = try RecordStore.inMemory()
        try s.applyType(ObjectType(json: JSONValue.parse(#"{"key":"c","name":"C","identifiers":[{"name":"email","source":"$.email","normalize":"email"}]}"#)))
        let items = (0..<250).map { i -> ImportItem in
            var body: [String: JSONValue] = ["lookup": ["identifier": "email"], "data": ["email": .string("U\(i)@X.example"), "n": .int(Int64(i))]]
            if i % 5 != 0 { body["name"] = .string("name \(String(format: "%03d", 249 - i))") }
            return ImportItem(request: NativeRequest.result(type: "c", body: .object(body)), body: nil)
        }
        _ = try s.importBatch(items, type: "c", source: WriteSource("t"))
        let ids = try s.page(RecordQuery(type: "c"), from: nil, limit: 250).enumerated().filter { $0.offset % 7 == 0 }.map(\.element.record.id)
        try s.archive(type: "c", ids: ids, source: WriteSource("t"))
        return s
    }

    /// Every row of a query, read forward page by page, and backward page by page.
    func walk(_ s: RecordStore, _ q: RecordQuery, pageSize: Int) throws -> (forward: [String], backward: [String]) {
        var fwd: [ListedRecord] = []
        while true {
            let p = try s.page(q, from: fwd.last?.key, direction: .forward, limit: pageSize)
            fwd += p
            if p.count < pageSize { break }
        }
        var bwd: [ListedRecord] = []
        while true {
            let p = try s.page(q, from: bwd.first?.key, direction: .backward, limit: pageSize)
            bwd = p + bwd
            if p.count < pageSize { break }
        }
        return (fwd.map(\.record.id), bwd.map(\.record.id))
    }

    @Test(arguments: RecordSort.allCases)
    func forwardAndBackwardPagesAgreeInEveryOrder(sort: RecordSort) throws {
        let s = try store()
        for archived in [ArchiveFilter.active, .all, .archived] {
            let q = RecordQuery(type: "c", archived: archived, sort: sort)
            let (f, b) = try walk(s, q, pageSize: 17)
            #expect(f == b)
            #expect(f.count == (try s.count(q)))
            #expect(Set(f).count == f.count)
        }
    }

    @Test func nameOrderPutsUnnamedFirstThenSortsByName() throws {
        let s = try store()
        let rows = try walk(s, RecordQuery(type: "c", archived: .all, sort: .name), pageSize: 40).forward
        let names = try rows.map { try s.record(id: $0)!.name ?? "" }
        #expect(names == names.sorted())
        #expect(names.prefix(50).allSatisfy { $0.isEmpty })
    }

    @Test func prefixFilterNormalisesPerIdentifierAndAddsNames() throws {
        let s = try store()
        let q = RecordQuery(type: "c", archived: .all, filter: .prefix("U1"))
        let rows = try s.page(q, from: nil, limit: 500)
        // u1, u10…u19, u100…u199: 111 emails (lowercased by the email identifier).
        #expect(rows.count == 111)
        #expect(rows.allSatisfy { $0.matched?.hasPrefix("email u1") == true })
        let named = try s.page(RecordQuery(type: "c", filter: .prefix("name 24")), from: nil, limit: 50)
        #expect(named.map { $0.matched ?? "" }.allSatisfy { $0.hasPrefix("name name 24") })
        #expect(!named.isEmpty)
        let (f, b) = try walk(s, q, pageSize: 9)
        #expect(f == b)
    }

    @Test func pathAndColumnFilters() throws {
        let s = try store()
        let n = try s.page(RecordQuery(type: "c", archived: .all, filter: .equals(try JSONPath(parsing: "$.n"), .int(42))), from: nil, limit: 10)
        #expect(n.count == 1)
        #expect(n.first?.record.data["n"] == .int(42))
        let byName = try s.page(RecordQuery(type: "c", archived: .all, filter: .column("name", "name 000")), from: nil, limit: 10)
        #expect(byName.count == 1)
        let filter = try RecordFilter.parse(#"$.email = "U3@X.example""#)
        #expect(try s.page(RecordQuery(type: "c", archived: .all, filter: filter), from: nil, limit: 10).count == 1)
    }
}
