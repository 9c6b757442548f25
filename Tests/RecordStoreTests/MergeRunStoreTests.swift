import Foundation
import GRDB
import RecordCore
import Testing

@testable import RecordStore

/// Bulk merge runs (issue 16): one transaction per group under a run id, skips with reasons, the review
/// queue, and undoing a run exactly.
@Suite struct MergeRunStoreTests {
    static let people = try! ObjectType(json: [
        "key": "people", "kind": "contact",
        "fields": [
            ["key": "email", "type": "email"], ["key": "phone", "type": "phone"], ["key": "city", "type": "string"],
            ["key": "code", "type": "string"],
        ],
        "identifiers": [["name": "code", "source": "$.code"]],
    ])
    static let src = WriteSource("test")

    /// Three email groups (the second with a child and a referrer of its loser), a fuzzy-name pair, and a
    /// loner. Times advance a day per write, so ages and "most recent" differ.
    func fixture() throws -> (RecordStore, ids: [String: String]) {
        let day = LockedDay()
        let store = try RecordStore.inMemory(clock: { day.next() })
        try store.applyType(Self.people)
        var ids: [String: String] = [:]
        func put(_ key: String, name: String, _ data: JSONValue, parent: String? = nil, associations: [String] = [])
            throws
        {
            var body: JSONObject = ["lookup": ["identifier": "code"], "name": .string(name)]
            var d = data.objectValue ?? [:]
            d["code"] = .string(key)
            body["data"] = .object(d)
            if let parent { body["parent_id"] = .string(ids[parent]!) }
            if !associations.isEmpty { body["associations"] = .array(associations.map { .string(ids[$0]!) }) }
            ids[key] = try #require(
                store.upsert(NativeRequest.decode(type: "people", body: .object(body)), source: Self.src).record?.id)
        }
        try put("a1", name: "Ann Lee", ["email": "ann@x.com", "city": ""])
        try put("a2", name: "Ann Lee", ["email": "ANN@x.com", "city": "Oslo", "phone": "+47 1"])
        try put("b1", name: "Bob Ray", ["email": "bob@x.com"])
        try put("b2", name: "Bob Raye", ["email": "bob@x.com", "city": "Rome"])
        try put("kid", name: "Kid", ["email": "kid@x.com"], parent: "b2")
        try put("boss", name: "Boss", ["email": "boss@x.com"], associations: ["b2"])
        try put("c1", name: "Cy Fox", ["email": "cy@x.com"])
        try put("c2", name: "Cy Fox", ["email": "cy@x.com"])
        try put("lone", name: "Lone", ["email": "lone@x.com"])
        return (store, ids)
    }

    /// Everything a merge and its undo touch: records' content, keys and associations.
    func state(_ store: RecordStore) throws -> [String] {
        try store.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, name, data, parent_id, associations, archived, merged_into FROM records ORDER BY seq"
            ).map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM record_keys ORDER BY type, identifier, value").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM associations ORDER BY from_id, to_id").map(\.description)
        }
    }

    func emailGroups(_ store: RecordStore) throws -> [DuplicateGroup] {
        try #require(
            store.scanDuplicates(type: "people", rules: [DuplicateRule.parse("email", for: Self.people)])?.groups)
    }

    @Test func aRunMergesEachGroupAndItsUndoRestoresEverythingExactly() throws {
        let (store, ids) = try fixture()
        let before = try state(store)
        let groups = try emailGroups(store)
        #expect(groups.count == 3)
        let rules = MergeRuleSet(name: "t", master: [.mostComplete], defaultField: .mostRecent)
        let run = try store.autoMerge(
            type: "people", groups: groups, match: "email", rules: rules, minScore: 1, dryRun: false, source: Self.src)
        let runID = try #require(run.id)
        #expect(run.count(.merged) == 3 && run.count(.skipped) == 0)
        // Most complete: a2 (city and phone) survives over the older a1.
        let ann = try #require(try store.record(id: ids["a2"]!))
        #expect(!ann.archived && ann.data["email"] == "ANN@x.com" && ann.data["city"] == "Oslo")
        #expect(try store.record(id: ids["a1"]!)?.mergedInto == ids["a2"])
        // b2 survives (city filled); its child and referrer stay pointed at it.
        #expect(try store.record(id: ids["kid"]!)?.parentID == ids["b2"])
        #expect(try store.merges().filter { $0.runID == runID }.count == 3)
        let stored = try store.mergeRun(runID)
        #expect(stored.groups.map(\.status) == [.merged, .merged, .merged])
        #expect(stored.groups.allSatisfy { $0.note?.hasPrefix("survivor ") == true })

        let undo = try store.undoRun(runID, source: Self.src)
        #expect(undo.undone.count == 3 && undo.refused.isEmpty)
        #expect(try state(store) == before)
        #expect(try store.mergeRun(runID).undoneAt != nil)
        #expect(throws: StoreError.self) { try store.undoRun("run_nope", source: Self.src) }
    }

    @Test func aGroupChangedSinceTheScanIsSkippedNeverHalfMerged() throws {
        let (store, ids) = try fixture()
        let groups = try emailGroups(store)
        // Between the scan and the run, someone archives a member of the second group.
        try store.archive(type: "people", id: ids["b1"]!, source: Self.src)
        let b2 = try #require(try store.record(id: ids["b2"]!))
        let run = try store.autoMerge(
            type: "people", groups: groups, match: "email", rules: .standard, minScore: 1, dryRun: false,
            source: Self.src)
        let skipped = try #require(run.groups.first { $0.status == .skipped })
        #expect(Set(skipped.recordIDs) == [ids["b1"]!, ids["b2"]!])
        #expect(skipped.note?.contains("is archived") == true)
        #expect(run.count(.merged) == 2)
        #expect(try store.record(id: ids["b2"]!) == b2)
        #expect(try store.mergeRun(run.id!).groups.map(\.status) == [.merged, .skipped, .merged])
    }

    @Test func aGroupChangedWhileTheRunIsUnderWayIsSkipped() throws {
        let (store, ids) = try fixture()
        let groups = try emailGroups(store)
        // Another writer archives a member of the third group while the run merges the first.
        var changed = false
        let run = try store.autoMerge(
            type: "people", groups: groups, match: "email", rules: .standard, minScore: 1, dryRun: false,
            source: Self.src,
            progress: { _ in
                if !changed { _ = try? store.archive(type: "people", id: ids["c2"]!, source: Self.src); changed = true }
                return true
            })
        #expect(run.groups.map(\.status) == [.merged, .merged, .skipped])
        #expect(run.groups[2].note?.contains("\(ids["c2"]!) is archived") == true)
        #expect(try store.record(id: ids["c1"]!)?.version == 1)
    }

    @Test func groupsBelowTheScoreWaitForReviewAndAcceptedOnesUndoWithTheRun() throws {
        let (store, ids) = try fixture()
        let fuzzy = try #require(
            store.scanDuplicates(type: "people", rules: [DuplicateRule.parse("fuzzy-name:0.8", for: Self.people)])?
                .groups)
        let run = try store.autoMerge(
            type: "people", groups: fuzzy, match: "fuzzy-name", rules: .standard, minScore: 1, dryRun: false,
            source: Self.src)
        let runID = try #require(run.id)
        let review = try store.mergeRun(runID, status: .review).groups
        #expect(!review.isEmpty && review.allSatisfy { $0.score < 1 })
        #expect(try store.runAwaitingReview(type: "people") == runID)
        let first = review[0]
        let accepted = try store.acceptReview(run: runID, position: first.position, source: Self.src)
        #expect(accepted.plan.rules == "default")
        for rest in review.dropFirst() { try store.dismissReview(run: runID, position: rest.position) }
        #expect(try store.runAwaitingReview(type: "people") == nil)
        #expect(throws: StoreError.self) { try store.dismissReview(run: runID, position: first.position) }
        let statuses = try store.mergeRun(runID).groups.map(\.status)
        #expect(statuses.contains(.accepted) && !statuses.contains(.review))
        let undo = try store.undoRun(runID, source: Self.src)
        #expect(undo.undone.contains(accepted.id))
        #expect(try store.record(id: ids["a1"]!)?.archived == false)
    }

    @Test func undoingARunRefusesAndNamesGroupsChangedSince() throws {
        let (store, ids) = try fixture()
        let run = try store.autoMerge(
            type: "people", groups: try emailGroups(store), match: "email", rules: .standard, minScore: 1,
            dryRun: false, source: Self.src)
        // Someone edits the Ann survivor (which the merge wrote: city and phone filled) after the run.
        let a1 = try #require(try store.record(id: ids["a1"]!))
        #expect(a1.data["city"] == "Oslo")
        _ = try store.upsert(
            NativeRequest.decode(
                type: "people",
                body: ["lookup": ["identifier": "code"], "data": ["code": "a1", "city": "Lima"]]), source: Self.src)
        let undo = try store.undoRun(run.id!, source: Self.src)
        #expect(undo.undone.count == 2)
        #expect(undo.refused.map(\.survivor) == [a1.id])
        #expect(undo.refused.first?.reason.contains("version") == true)
        #expect(try store.mergeRun(run.id!).undoneAt == nil)
    }

    @Test func aDryRunPlansEveryGroupAndWritesNothing() throws {
        let (store, _) = try fixture()
        let before = try store.snapshot()
        let run = try store.autoMerge(
            type: "people", groups: try emailGroups(store), match: "email", rules: .standard, minScore: 1,
            dryRun: true, source: Self.src)
        #expect(run.id == nil && run.count(.merged) == 3)
        #expect(run.groups.allSatisfy { $0.plan?.isValid == true })
        #expect(try store.snapshot() == before)
        #expect(try store.mergeRuns().isEmpty)
    }
}

/// A clock that moves one day per call.
final class LockedDay: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Date {
        lock.lock(); defer { lock.unlock() }
        n += 1
        return Date(timeIntervalSince1970: 1_767_225_600 + Double(n) * 86_400)
    }
}
