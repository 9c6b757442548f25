import Foundation
import Testing

@testable import RecordCore

@Suite struct MergePlannerTests {
    static let type = try! ObjectType(json: [
        "key": "contacts", "kind": "contact",
        "fields": [
            ["key": "email", "type": "email", "required": true], ["key": "tags", "type": "array"],
            ["key": "phones", "type": "array"], ["key": "address", "type": "object"],
            ["key": "title", "type": "string"],
        ],
        "identifiers": [
            ["name": "email", "source": "$.email", "normalize": "email"],
            ["name": "phones", "source": "$.phones", "normalize": "phone"],
        ],
    ])
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func record(
        _ id: String, _ data: JSONValue, name: String? = nil, parent: String? = nil, associations: [String] = []
    ) -> Record {
        Record(
            id: id, type: "contacts", name: name, data: data, parentID: parent, createdAt: Self.t0,
            associations: associations)
    }

    var survivor: Record {
        record(
            "s",
            [
                "email": "jane@x.com", "tags": ["VIP", "west"], "phones": ["+1 555 0100"],
                "address": ["city": "Springfield", "geo": ["lat": 1]], "title": "CEO",
            ], name: "Jane Smith")
    }
    var loser: Record {
        record(
            "l",
            [
                "email": "JANE@x.com ", "tags": ["vip", "renewal"], "phones": ["+15550100", "+1 555 0200"],
                "address": ["street": "1 Main St", "city": "Shelbyville", "geo": ["lat": 2, "lng": 3]],
                "title": "Founder", "score": 7,
            ],
            name: nil, associations: ["c1"])
    }

    @Test func defaultsKeepTheSurvivorFillGapsUnionArraysAndCombineObjects() throws {
        let plan = MergePlanner.plan(MergeInput(type: Self.type, survivor: survivor, losers: [loser]), now: Self.t0)
        #expect(plan.errors.isEmpty)
        let fields = Dictionary(uniqueKeysWithValues: plan.fields.map { ($0.field, $0) })
        #expect(fields["data.title"]?.choice == .picked(from: "s") && fields["data.title"]?.conflicting == true)
        #expect(fields["data.score"]?.choice == .picked(from: "l") && fields["data.score"]?.result == 7)
        #expect(fields["data.tags"]?.choice == .union && fields["data.tags"]?.result == ["VIP", "west", "renewal"])
        #expect(fields["data.phones"]?.result == ["+1 555 0100", "+1 555 0200"])
        #expect(fields["data.address"]?.choice == .combined)
        #expect(
            fields["data.address"]?.result == [
                "city": "Springfield", "street": "1 Main St", "geo": ["lat": 1, "lng": 3],
            ])
        #expect(fields["name"]?.choice == .picked(from: "s") && fields["name"]?.result == "Jane Smith")
        #expect(fields["data.title"]?.explanation == "survivor: s 2023-11-14")
        #expect(fields["data.score"]?.explanation == "only one record has it: l 2023-11-14")
        #expect(plan.rules == "default")
        #expect(plan.result.associations == ["c1"])
    }

    @Test func takeChoosesAnotherRecordsValue() throws {
        let plan = MergePlanner.plan(
            MergeInput(type: Self.type, survivor: survivor, losers: [loser], take: ["title": "l", "$.address": "l"]),
            now: Self.t0)
        #expect(plan.result.data.objectValue?["title"] == "Founder")
        #expect(plan.result.data.objectValue?["address"] == loser.data.objectValue?["address"])
        #expect(plan.diff.contains { $0.path == "$.data.title" && $0.after == "Founder" })
    }

    @Test func losersAreArchivedWithTheirIdentifiersMovedAsideAndPointersRepointed() throws {
        let child = Record(id: "k", type: "properties", parentID: "l", createdAt: Self.t0)
        let referrer = Record(id: "c1", type: "companies", createdAt: Self.t0, associations: ["l", "s", "z"])
        let plan = MergePlanner.plan(
            MergeInput(type: Self.type, survivor: survivor, losers: [loser], children: [child], referrers: [referrer]),
            now: Self.t0)
        let written = Dictionary(uniqueKeysWithValues: plan.writes.map { ($0.after.id, $0.after) })
        let archived = try #require(written["l"])
        #expect(archived.archived && archived.mergedInto == "s" && archived.version == 2)
        #expect(archived.data.objectValue?["email"] == "JANE@x.com _merged_1700000000")
        #expect(
            archived.data.objectValue?["phones"] == ["+15550100_merged_1700000000", "+1 555 0200_merged_1700000000"])
        #expect(written["k"]?.parentID == "s")
        #expect(written["c1"]?.associations == ["s", "z"])
        #expect(plan.repointedChildren == ["k"] && plan.repointedAssociations == ["c1"])
        // The survivor gains the loser's associations; the archived loser keeps its own.
        #expect(written["s"]?.associations == ["c1"] && plan.writes.last?.after.id == "s")
        #expect(archived.associations == ["c1"])
        #expect(plan.movedAside.map(\.identifier) == ["email", "phones"])
    }

    @Test(arguments: [
        (["title": "nobody"], "is not one of the merged records"),
        (["nickname": "l"], "no merged record has the field \"data.nickname\""),
    ])
    func badTakesAreErrorsAndWriteNothing(take: [String: String], expected: String) {
        let plan = MergePlanner.plan(
            MergeInput(type: Self.type, survivor: survivor, losers: [loser], take: take), now: Self.t0)
        #expect(plan.errors.contains { $0.contains(expected) }, "\(plan.errors)")
        #expect(plan.writes.isEmpty)
    }

    @Test func archivedOrRepeatedRecordsAreRefused() {
        var gone = loser
        gone.archived = true
        #expect(
            MergePlanner.plan(MergeInput(type: Self.type, survivor: survivor, losers: [gone]), now: Self.t0).errors
                .contains { $0.contains("archived") })
        #expect(
            MergePlanner.plan(MergeInput(type: Self.type, survivor: survivor, losers: [survivor]), now: Self.t0).errors
                .contains { $0.contains("both") })
    }

    @Test func takingAValueThatBreaksTheSchemaIsAnError() {
        var odd = loser
        odd.data = ["email": "not-an-email"]
        let plan = MergePlanner.plan(
            MergeInput(type: Self.type, survivor: survivor, losers: [odd], take: ["email": "l"]), now: Self.t0)
        #expect(plan.errors.contains { $0.contains("not a valid email") }, "\(plan.errors)")
    }
}
