import Foundation
import Testing

@testable import RecordCore

/// Survivorship rule sets (issue 16): each master rule, each field rule, tie-breaks and explanations.
@Suite struct SurvivorshipTests {
    static let type = try! ObjectType(json: ["key": "contacts", "kind": "contact"])
    /// 2026-01-01 plus `n` days.
    static func day(_ n: Int) -> Date { Date(timeIntervalSince1970: 1_767_225_600 + Double(n) * 86_400) }

    static func record(
        _ id: String, created: Int, updated: Int? = nil, name: String? = nil, _ data: JSONValue = [:]
    ) -> Record {
        Record(
            id: id, type: "contacts", name: name, data: data, createdAt: day(created),
            updatedAt: day(updated ?? created))
    }

    // a: oldest, sparse; b: newest, updated last, fullest, source crm; c: middle.
    static let a = record("a", created: 0, updated: 5, name: "Ann", ["email": "ann@x.com", "city": ""])
    static let b = record(
        "b", created: 9, updated: 20, name: "Ann Lee",
        ["email": "ann@y.com", "city": "Oslo", "phone": "+47 1", "source": "crm"])
    static let c = record("c", created: 4, updated: 6, name: "Ann", ["email": "ann@y.com", "city": "Bergen"])

    static let masterCases: [(MasterRule, String, String)] = [
        (.oldest, "a", "oldest: created 2026-01-01, next 2026-01-05"),
        (.newest, "b", "newest: created 2026-01-10, next 2026-01-05"),
        (.mostRecentlyUpdated, "b", "most recently updated: 2026-01-21, next 2026-01-07"),
        (.mostComplete, "b", "most complete: 5 fields filled, next 3"),
        (.mostChildren, "c", "most children: 3, next 1"),
        (try! MasterRule.prefer(path: "$.source", value: "crm"), "b", "preferred: $.source = \"crm\""),
    ]

    @Test(arguments: masterCases)
    func eachMasterRuleChoosesItsSurvivorAndSaysWhy(rule: MasterRule, survivor: String, reason: String) {
        let rules = MergeRuleSet(name: "t", master: [rule])
        let ranked = MergePlanner.rank([Self.a, Self.b, Self.c], rules: rules, childCounts: ["c": 3, "a": 1])
        #expect(ranked.records[0].id == survivor)
        #expect(ranked.reason == reason)
    }

    @Test func tiesGoToTheNextRuleThenToTheOldest() {
        // Every record has 3 filled fields: most-complete ties, most-recently-updated decides.
        let x = Self.record("x", created: 1, name: "X", ["email": "x@x", "k": 1])
        let y = Self.record("y", created: 2, updated: 9, name: "Y", ["email": "y@y", "k": 2])
        let z = Self.record("z", created: 0, name: "Z", ["email": "z@z", "k": 3])
        let tieThenUpdate = MergeRuleSet(name: "t", master: [.mostComplete, .mostRecentlyUpdated])
        #expect(MergePlanner.rank([x, y, z], rules: tieThenUpdate).records.map(\.id) == ["y", "x", "z"])
        #expect(
            MergePlanner.rank([x, y, z], rules: tieThenUpdate).reason
                == "most recently updated: 2026-01-10, next 2026-01-02")
        let tieOnly = MergeRuleSet(name: "t", master: [.mostComplete])
        #expect(MergePlanner.rank([x, y, z], rules: tieOnly).records.map(\.id) == ["z", "x", "y"])
        #expect(MergePlanner.rank([x, y, z], rules: tieOnly).reason == "oldest: created 2026-01-01, next 2026-01-02")
    }

    /// The survivor a, then c and b; field times: b's email set on day 15, c's on day 3, a's on day 1.
    func plan(_ rule: FieldRule, field: String = "email") -> MergeField {
        let times: [String: [String: Date]] = [
            "a": ["data.email": Self.day(1)], "b": ["data.email": Self.day(15)], "c": ["data.email": Self.day(3)],
        ]
        let input = MergeInput(
            type: Self.type, survivor: Self.a, losers: [Self.c, Self.b],
            rules: MergeRuleSet(name: "t", fields: [MergePlanner.fieldName(field): rule]), fieldTimes: times)
        let plan = MergePlanner.plan(input, now: Self.day(30))
        return plan.fields.first { $0.field == MergePlanner.fieldName(field) }!
    }

    static let fieldCases: [(FieldRule, String, JSONValue?, String)] = [
        (.survivor, "email", "ann@x.com", "survivor: a 2026-01-02"),
        (.survivor, "city", "Bergen", "survivor blank, filled from: c 2026-01-07"),
        (.neverBlank, "city", "Bergen", "never blank: survivor blank, from: c 2026-01-07"),
        (.mostRecent, "email", "ann@y.com", "most recent: b 2026-01-16"),
        (.oldest, "email", "ann@x.com", "oldest value: a 2026-01-02"),
        (.mostCommon, "email", "ann@y.com", "most common (2 of 3): c 2026-01-04"),
        (.longest, "name", "Ann Lee", "longest: b 2026-01-21"),
        (.union, "email", ["ann@x.com", "ann@y.com"], "union: union of 3 records"),
        (try! FieldRule.from(path: "$.source", value: "crm"), "city", "Oslo", "from $.source = \"crm\": b 2026-01-21"),
        (
            try! FieldRule.from(path: "$.source", value: "erp"), "email", "ann@x.com",
            "no record has $.source = \"erp\"; survivor: a 2026-01-02"
        ),
    ]

    @Test(arguments: fieldCases)
    func eachFieldRuleChoosesAValueAndExplainsIt(rule: FieldRule, field: String, value: JSONValue?, why: String) {
        let f = plan(rule, field: field)
        #expect(f.result == value)
        #expect(f.explanation == why)
        #expect(f.rule == rule)
    }

    @Test func identifierFieldsKeepTheSurvivorsValueUnlessTheSetNamesThem() throws {
        let type = try ObjectType(json: [
            "key": "contacts", "identifiers": [["name": "email", "source": "$.email", "normalize": "email"]],
        ])
        let blanket = MergeRuleSet(name: "t", defaultField: .mostRecent)
        #expect(blanket.rule(for: "email", in: type) == .survivor)
        #expect(blanket.rule(for: "city", in: type) == .mostRecent)
        let named = MergeRuleSet(name: "t", defaultField: .mostRecent, fields: ["data.email": .mostRecent])
        #expect(named.rule(for: "$.email", in: type) == .mostRecent)
        let input = MergeInput(type: type, survivor: Self.a, losers: [Self.b], rules: blanket)
        let f = MergePlanner.plan(input, now: Self.day(30)).fields.first { $0.field == "data.email" }!
        #expect(f.result == "ann@x.com" && f.rule == .survivor)
    }

    @Test func handPicksOverrideTheRules() {
        let input = MergeInput(
            type: Self.type, survivor: Self.a, losers: [Self.b], take: ["email": "b"],
            rules: MergeRuleSet(name: "t", defaultField: .oldest))
        let f = MergePlanner.plan(input, now: Self.day(30)).fields.first { $0.field == "data.email" }!
        #expect(f.result == "ann@y.com" && f.choice == .taken(from: "b") && f.rule == nil)
        #expect(f.explanation == "by hand: b 2026-01-21")
    }

    @Test func ruleSetsRoundTripThroughJSONAndRefuseUnknownFields() throws {
        let set = MergeRuleSet(
            name: "crm", master: [try MasterRule.prefer(path: "$.source", value: "crm"), .mostComplete],
            defaultField: .neverBlank,
            fields: ["data.tags": .union, "name": try FieldRule.from(path: "$.s", value: 1)],
            file: "crm.toml", lines: ["data.tags": 7, "name": 8])
        var back = try MergeRuleSet(json: set.json)
        back.file = "crm.toml"; back.lines = set.lines
        #expect(back == set)
        let typed = try ObjectType(json: ["key": "people", "fields": [["key": "email", "type": "email"]]])
        #expect(throws: MergeRuleError.self) { try set.check(for: typed) }
        do { try set.check(for: typed) } catch {
            #expect(error.description.hasPrefix("crm.toml:7: unknown field \"data.tags\" for people"))
        }
    }

    @Test func badRulesNameWhatIsWrong() {
        #expect(throws: MergeRuleError("unknown master rule \"eldest\"; master rules are \(MasterRule.names)")) {
            try MasterRule.parse("eldest")
        }
        #expect(throws: MergeRuleError("prefer path \"source\" is not a JSONPath; write \"$.source\"")) {
            try MasterRule.prefer(path: "source", value: "crm")
        }
        #expect(throws: MergeRuleError("unknown field rule \"newest\"; field rules are \(FieldRule.names)")) {
            try FieldRule.parse("newest")
        }
    }
}
