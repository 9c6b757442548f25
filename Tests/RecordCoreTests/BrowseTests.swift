import Testing

@testable import RecordCore

/// The grid's pure parts: filter parsing (every form, errors with their column), column keys, compact values.
@Suite struct BrowseTests {
    @Test(arguments: [
        ("jane", RecordFilter.prefix("jane")),
        ("  Jane Smith ", .prefix("Jane Smith")),
        ("~smith", .contains("smith", nil)),
        ("$.company ~ acme", .contains("acme", .path(JSONPath(segments: [.key("company")])))),
        ("$.size > 100", .compare(.path(JSONPath(segments: [.key("size")])), .greater, .int(100))),
        ("$.size>=100", .compare(.path(JSONPath(segments: [.key("size")])), .greaterOrEqual, .int(100))),
        ("$.a.b != x y", .compare(.path(JSONPath(segments: [.key("a"), .key("b")])), .notEqual, .string("x y"))),
        ("$['a b'] = 1", .compare(.path(JSONPath(segments: [.key("a b")])), .equal, .int(1))),
        ("name = Jane", .compare(.name, .equal, .string("Jane"))),
        ("external_id <= \"E9\"", .compare(.externalID, .lessOrEqual, .string("E9"))),
        ("$.vip = true", .compare(.path(JSONPath(segments: [.key("vip")])), .equal, .bool(true))),
        ("$.email is null", .isNull(.path(JSONPath(segments: [.key("email")])), negated: false)),
        ("$.email IS NOT NULL", .isNull(.path(JSONPath(segments: [.key("email")])), negated: true)),
        ("$.email = null", .isNull(.path(JSONPath(segments: [.key("email")])), negated: false)),
        ("a<b", .prefix("a<b")),
    ])
    func filtersParse(text: String, expected: RecordFilter) throws {
        #expect(try RecordFilter.parse(text) == expected)
    }

    @Test(arguments: [
        ("$.size 100", "expected an operator", 11),
        ("$.size >", "expected a value after `>`", 9),
        ("$.size > {\"a\":1}", "not an object or array", 10),
        ("~", "expected text to look for", 2),
        ("$.a is maybe", "expected `is null` or `is not null`", 8),
        ("$..a = 1", "expected a key", 3),
        ("$ = 1", "below `$`", 1),
        ("city = Paris", "is not a path", 1),
        ("$.n < null", "null can only be compared", 7),
        ("$.score >> 5", "unexpected `>` after `>`", 10),
        ("$.score =< 5", "unexpected `<` after `=`", 10),
    ])
    func badFiltersNameTheirColumn(text: String, reason: String, column: Int) {
        do {
            _ = try RecordFilter.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(reason), "\(error)")
            #expect(error.column == column, "\(text): \(error)")
        }
    }

    @Test func emptyFilterIsNone() throws {
        #expect(try RecordFilter.parse("   ") == nil)
    }

    static let contacts = try! ObjectType(json: [
        "key": "contacts", "kind": "contact",
        "fields": [
            ["key": "email", "type": "email"], ["key": "tags", "type": "array"], ["key": "address", "type": "object"],
        ],
        "identifiers": [
            ["name": "email", "source": "$.email", "normalize": "email"],
            ["name": "crm", "source": "$.ids.crm", "normalize": "exact"],
        ],
    ])

    @Test func columnKeysAreReadAndUnknownOnesRefusedByName() throws {
        #expect(try GridColumn(key: "updated", type: Self.contacts) == .updated)
        #expect(try GridColumn(key: "email", type: Self.contacts) == .path(JSONPath(segments: [.key("email")])))
        #expect(try GridColumn(key: "$.address.city", type: Self.contacts).header == "ADDRESS.CITY")
        #expect(throws: GridColumnError.self) { try GridColumn(key: "$.colour", type: Self.contacts) }
        do { _ = try GridColumn(key: "colour", type: Self.contacts) } catch {
            #expect(error.message == "unknown column \"colour\": contacts declares email, tags, address")
        }
        // A schemaless type takes any path.
        let loose = try ObjectType(json: ["key": "loose"])
        #expect(try GridColumn(key: "$.anything", type: loose) == .path(JSONPath(segments: [.key("anything")])))
    }

    @Test func defaultColumnsAreTheNameFieldsIdentifiersAndUpdated() throws {
        let r = Record(
            id: "r1", type: "contacts", name: "Ann", data: ["email": "a@x", "ids": ["crm": "C1"]],
            createdAt: .distantPast)
        #expect(
            GridColumn.defaults(for: Self.contacts, sample: [r], showingArchived: false).map(\.key)
                == ["name", "$.email", "$.tags", "$.address", "$.ids.crm", "updated"])
        // Identifiers empty on every sampled record are left out; state shows with archived rows.
        let bare = Record(id: "r2", type: "contacts", data: ["email": "b@x"], createdAt: .distantPast)
        #expect(
            GridColumn.defaults(for: Self.contacts, sample: [bare], showingArchived: true).map(\.key)
                == ["name", "state", "$.email", "$.tags", "$.address", "updated"])
        // Schemaless: the top-level keys of the first page, in the order first seen.
        let loose = try ObjectType(json: ["key": "loose"])
        let a = Record(id: "a", type: "loose", data: ["b": 1, "a": 2], createdAt: .distantPast),
            b = Record(id: "b", type: "loose", data: ["c": 3, "a": 1], createdAt: .distantPast)
        #expect(
            GridColumn.defaults(for: loose, sample: [a, b], showingArchived: false).map(\.key) == [
                "name", "$.a", "$.b", "$.c", "updated",
            ])
    }

    @Test func nestedValuesAreCompact() {
        #expect(GridColumn.compact(["a": 1]) == "{…}")
        #expect(GridColumn.compact([:]) == "{}")
        #expect(GridColumn.compact(["vip", "gold"]) == "[2] vip, gold")
        #expect(GridColumn.compact([["a": 1], 2]) == "[2]")
        #expect(GridColumn.compact(.double(1.5)) == "1.5")
        #expect(GridColumn.compact("text") == "text")
    }

    @Test func countsAreGroupedAndCapped() {
        #expect(RowCount(1_234_567).label == "1,234,567")
        #expect(RowCount(10_000, isCapped: true).label == "10,000+")
        #expect(RowCount(7).label == "7")
    }
}
