import Foundation
import GRDB
import RecordCore
import Testing

@testable import RecordStore

@Suite struct PagingTests {
    /// 250 contacts; every 5th has no name; every 7th is archived.
    func store() throws -> RecordStore {
        let s = try RecordStore.inMemory()
        try s.applyType(
            ObjectType(
                json: JSONValue.parse(
                    #"{"key":"c","name":"C","identifiers":[{"name":"email","source":"$.email","normalize":"email"}]}"#))
        )
        let items = (0..<250).map { i -> ImportItem in
            var body: JSONObject = [
                "lookup": ["identifier": "email"], "data": ["email": .string("U\(i)@X.example"), "n": .int(Int64(i))],
            ]
            if i % 5 != 0 { body["name"] = .string("name \(String(format: "%03d", 249 - i))") }
            return ImportItem(request: NativeRequest.result(type: "c", body: .object(body)), body: nil)
        }
        _ = try s.importBatch(items, type: "c", source: WriteSource("t"))
        let ids = try s.page(RecordQuery(type: "c"), from: nil, limit: 250).enumerated().filter { $0.offset % 7 == 0 }
            .map(\.element.record.id)
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
            #expect(RowCount(f.count) == (try s.count(q)))
            #expect(Set(f).count == f.count)
        }
    }

    /// All records in insertion order come from the insertion index's two archive-state ranges, merged: the
    /// archived every 7th record in its place, no sort of the type (issue 17: the `(type, seq)` index is gone).
    @Test func allRecordsInInsertionOrderMergeTheArchiveStates() throws {
        let s = try store()
        let q = RecordQuery(type: "c", archived: .all)
        let (f, b) = try walk(s, q, pageSize: 17)
        #expect(f == b)
        let ns = try f.map { try s.record(id: $0)!.data["n"]!.intValue! }
        #expect(ns == Array(0..<250))
        let middle = try s.page(q, from: PageKey(seq: 100), direction: .backward, limit: 3).map(\.key.seq)
        #expect(middle == [97, 98, 99])
        let plan = try s.explain(q)
        #expect(plan.components(separatedBy: "USING INDEX records_by_type_state").count == 3, "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    /// Before and after its index is built, the same order; with the index, no sort. The schema's name index
    /// holds only named records (the filters'), so an unnamed record writes nothing to it.
    @Test func nameOrderPutsUnnamedFirstThenSortsByName() throws {
        let s = try store()
        let q = RecordQuery(type: "c", archived: .all, sort: .name)
        let unindexed = try walk(s, q, pageSize: 40).forward
        #expect(try !s.hasSortIndex(.name))
        try s.buildSortIndex(.name)
        let rows = try walk(s, q, pageSize: 40).forward
        #expect(rows == unindexed)
        let names = try rows.map { try s.record(id: $0)!.name ?? "" }
        #expect(names == names.sorted { $0.lowercased() < $1.lowercased() })
        #expect(names.prefix(50).allSatisfy { $0.isEmpty })
        let plan = try s.explain(RecordQuery(type: "c", sort: .name))
        #expect(plan.contains("USING INDEX sort_") && !plan.contains("TEMP B-TREE"), "\(plan)")
        let filterIndex = try s.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'records_by_type_name'")
        }
        #expect(filterIndex?.hasSuffix("WHERE name IS NOT NULL") == true, "\(filterIndex ?? "")")
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
        let n = try s.page(
            RecordQuery(
                type: "c", archived: .all, filter: .compare(.path(try JSONPath(parsing: "$.n")), .equal, .int(42))),
            from: nil, limit: 10)
        #expect(n.count == 1)
        #expect(n.first?.record.data["n"] == .int(42))
        let byName = try s.page(
            RecordQuery(type: "c", archived: .all, filter: .compare(.name, .equal, "name 000")), from: nil, limit: 10)
        #expect(byName.count == 1)
        let filter = try RecordFilter.parse(#"$.email = "U3@X.example""#)
        #expect(try s.page(RecordQuery(type: "c", archived: .all, filter: filter), from: nil, limit: 10).count == 1)
    }
}

/// Issue 14: filters of every form, match counts, sorts by data columns through built indexes, frequencies.
@Suite struct GridQueryTests {
    let s: RecordStore
    init() throws { s = try PagingTests().store() }

    func ids(_ q: RecordQuery) throws -> [String] { try PagingTests().walk(s, q, pageSize: 13).forward }
    func filter(_ text: String, archived: ArchiveFilter = .all) throws -> RecordQuery {
        RecordQuery(type: "c", archived: archived, filter: try RecordFilter.parse(text))
    }

    @Test(arguments: [
        ("u1", 111), ("U1", 111), ("NAME 24", 8), ("~amE 24", 8), ("$.n > 200", 49), ("$.n >= 200", 50), ("$.n < 3", 3),
        ("$.n <= 3", 4), ("$.n != 5", 249), ("$.n = 5", 1), ("name is null", 50), ("name is not null", 200),
        ("$.missing is null", 250),
        ("$.n is not null", 250), ("$.email ~ x.EXAMPLE", 250), ("name = name 000", 1), ("$.n = \"5\"", 0),
    ])
    func everyFilterFormMatchesAndCounts(text: String, expected: Int) throws {
        let q = try filter(text)
        let (f, b) = try PagingTests().walk(s, q, pageSize: 13)
        #expect(f.count == expected, "\(text)")
        #expect(f == b, "\(text): forward and backward pages agree")
        #expect(try s.count(q) == RowCount(expected), "\(text)")
    }

    @Test func numbersCompareAsNumbers() throws {
        // As text, "9" > "10"; as numbers it is not.
        let rows = try ids(try filter("$.n > 9"))
        #expect(rows.count == 240)
    }

    @Test func matchCountsStopAtTheCap() throws {
        let big = try RecordStore.inMemory()
        try big.applyType(ObjectType(json: JSONValue.parse(#"{"key":"t","name":"T"}"#)))
        let items = (0..<(RowCount.filterCap + 5)).map { i in
            ImportItem(request: NativeRequest.result(type: "t", body: ["data": ["n": .int(Int64(i))]]), body: nil)
        }
        _ = try big.importBatch(items, type: "t", source: WriteSource("t"))
        let count = try big.count(RecordQuery(type: "t", filter: try RecordFilter.parse("$.n >= 0")))
        #expect(count == RowCount(RowCount.filterCap, isCapped: true))
        #expect(count?.label == "10,000+")
    }

    @Test func sortingByADataColumnBuildsAnIndexOnceAndPagesThroughIt() throws {
        let column = SortColumn.path(try JSONPath(parsing: "$.n"))
        #expect(try !s.hasSortIndex(column))
        try s.buildSortIndex(column)
        #expect(try s.hasSortIndex(column))
        for descending in [false, true] {
            let q = RecordQuery(type: "c", archived: .all, sort: RecordSort(column, descending: descending))
            let (f, b) = try PagingTests().walk(s, q, pageSize: 17)
            #expect(f == b)
            let ns = try f.map { try s.record(id: $0)!.data["n"]!.intValue! }
            #expect(ns == (descending ? Array((0..<250).reversed()) : Array(0..<250)))
        }
        let plan = try s.explain(RecordQuery(type: "c", sort: RecordSort(column)))
        #expect(plan.contains("USING INDEX sort_"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func caseInsensitivePrefixesReadIndexes() throws {
        let plan = try s.explain(try filter("NAME 2"))
        #expect(plan.contains("records_by_type_name"), "\(plan)")
        // Email keys are lowercase: the keys' primary key serves the case-insensitive range; external ids keep
        // their case, and only their keys are in the NOCASE index. No sort either way.
        #expect(plan.contains("USING PRIMARY KEY (type=? AND identifier=? AND value>? AND value<?)"), "\(plan)")
        #expect(plan.contains("USING INDEX record_keys_nocase"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func frequenciesCountValuesLargestFirst() throws {
        let t = try #require(
            try s.frequencies(
                of: .path(try JSONPath(parsing: "$.missing")), in: RecordQuery(type: "c", archived: .all), chunk: 7))
        #expect(t.rows.count == 1 && t.rows[0].value == nil && t.rows[0].count == 250)
        let byName = try #require(try s.frequencies(of: .name, in: RecordQuery(type: "c"), chunk: 11))
        let first = try #require(byName.rows.first)
        #expect(first.value == nil && first.count > 1, "records without a name come first, as absent")
        #expect(byName.total == 214)
        // The fallback to one GROUP BY (too many distinct values to hold) gives the same counts.
        let bounded = try #require(
            try s.frequencies(of: .name, in: RecordQuery(type: "c"), distinctLimit: 5, chunk: 11))
        #expect(bounded.total == byName.total && bounded.distinct == byName.distinct)
        #expect(bounded.rows.map(\.count) == byName.rows.map(\.count))
        // Cancelling stops the count.
        #expect(try s.frequencies(of: .name, in: RecordQuery(type: "c"), chunk: 11) { _ in false } == nil)
    }
}
