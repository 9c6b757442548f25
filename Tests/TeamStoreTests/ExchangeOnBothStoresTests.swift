import Foundation
import RecordCore
import RecordStore
import Testing

/// The exchange through each store: the same requests get the same answers and leave the same state.
@Suite struct ExchangeOnBothStoresTests {
    static let contacts = try! ObjectType(json: [
        "key": "contacts", "kind": "contact",
        "fields": [
            ["key": "email", "type": "email", "required": true], ["key": "n", "type": "integer"],
            ["key": "code", "type": "string"],
        ],
        "identifiers": [
            ["name": "email", "source": "$.email", "normalize": "email"],
            ["name": "code", "source": "$.code", "normalize": "exact"],
        ],
    ])

    static func native(_ body: JSONValue) -> Exchange {
        Exchange(Dialects.named("native")!, DialectRequest(type: "contacts", body: body))
    }

    static func upsert(_ email: String, _ extra: JSONObject = [:]) -> Exchange {
        var data: JSONObject = ["email": .string(email)]
        data.merge(extra) { _, b in b }
        return native(["lookup": ["identifier": "email"], "data": .object(data)])
    }

    /// Runs `body` on a fresh store of `kind` holding the contacts type.
    static func withStore(_ kind: StoreKind, _ body: (any ScenarioStore) throws -> Void) throws {
        try FreshStore.with(kind) { s in
            try s.applyType(contacts)
            try body(s)
        }
    }

    static let source = WriteSource("test")

    @Test(arguments: StoreKind.allCases)
    func createThenUpdateThenUnchanged(_ kind: StoreKind) throws {
        try Self.withStore(kind) { s in
            let a = try s.perform(Self.upsert("Ann@X.io", ["n": 1]), apply: true, source: Self.source)
            let b = try s.perform(Self.upsert(" ann@x.io", ["n": 2]), apply: true, source: Self.source)
            let c = try s.perform(Self.upsert(" ann@x.io", ["n": 2]), apply: true, source: Self.source)
            #expect(a.plans.map(\.decision) == [.create])
            #expect(b.plans.map(\.decision) == [.update])
            #expect(c.plans.map(\.decision) == [.unchanged])
            #expect(b.plans[0].record?.id == a.plans[0].record?.id && b.plans[0].record?.version == 2)
            let all = try s.allRecords()
            #expect(all.count == 1 && all[0].data["n"] == .int(2) && all[0].version == 2)
            #expect(try s.counts(type: "contacts")! == (1, 0))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aPreviewWritesNothing(_ kind: StoreKind) throws {
        try Self.withStore(kind) { s in
            _ = try s.perform(Self.upsert("a@x.io"), apply: true, source: Self.source)
            let before = try s.snapshot()
            let p = try s.perform(Self.upsert("a@x.io", ["n": 5]), apply: false, source: Self.source)
            #expect(p.plans.map(\.decision) == [.update])
            #expect(try s.snapshot() == before)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aStaleExpectedVersionIsRefused(_ kind: StoreKind) throws {
        try Self.withStore(kind) { s in
            _ = try s.perform(Self.upsert("a@x.io", ["n": 1]), apply: true, source: Self.source)
            _ = try s.perform(Self.upsert("a@x.io", ["n": 2]), apply: true, source: Self.source)
            let stale = try s.perform(
                Self.native([
                    "lookup": ["identifier": "email"], "data": ["email": "a@x.io", "n": 3], "expected_version": 1,
                ]),
                apply: true, source: Self.source)
            #expect(stale.plans[0].decision.isError)
            #expect(try s.allRecords()[0].data["n"] == .int(2))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aKeyAnotherRecordHoldsIsRefusedAndNothingIsWritten(_ kind: StoreKind) throws {
        try Self.withStore(kind) { s in
            _ = try s.perform(Self.upsert("a@x.io", ["code": "C1"]), apply: true, source: Self.source)
            _ = try s.perform(Self.upsert("b@x.io"), apply: true, source: Self.source)
            let before = try s.snapshot()
            let clash = try s.perform(Self.upsert("b@x.io", ["code": "C1"]), apply: true, source: Self.source)
            #expect(clash.plans[0].decision.isError)
            #expect(clash.plans[0].errors.map(\.description).joined().contains("C1"), "\(clash.plans[0].errors)")
            #expect(try s.snapshot() == before)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anAtomicBulkBatchWithAFailedItemWritesNoRecord(_ kind: StoreKind) throws {
        try Self.withStore(kind) { s in
            let bulk = Exchange(
                Dialects.named("bulk")!,
                DialectRequest(
                    type: "contacts",
                    body: [
                        "atomic": true,
                        "records": [
                            ["attributes": ["email": "a@x.com"], "identifiers": ["email": "a@x.com"]],
                            ["attributes": ["n": 3], "identifiers": ["id": "missing"]],
                        ],
                    ]))
            let x = try s.perform(bulk, apply: true, source: Self.source)
            #expect(!x.committed)
            #expect(try s.counts(type: "contacts")! == (0, 0))
            #expect(try s.allRecords().isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func archiveRestoreUndoAndHistory(_ kind: StoreKind) throws {
        try Self.withStore(kind) { s in
            let id = try #require(
                try s.perform(Self.upsert("a@x.io", ["n": 1]), apply: true, source: Self.source).plans[0].record?.id)
            try s.archive(type: "contacts", id: id, source: Self.source)
            #expect(try s.counts(type: "contacts")! == (0, 1))
            #expect(throws: StoreError.self) { try s.archive(type: "contacts", id: id, source: Self.source) }
            try s.restore(type: "contacts", id: id, source: Self.source)
            let history = try s.history(recordID: id)
            #expect(history.map(\.op) == [.create, .archive, .restore])
            #expect(history.map(\.version) == [1, 2, 3])
            #expect(history[1].before?.archived == false && history[1].after.archived)
            // Undoing the restore archives the record again, as a new revision.
            let undone = try s.undo(revision: history[2].id, source: Self.source)
            #expect(undone.archived && undone.version == 4)
            #expect(try s.counts(type: "contacts")! == (0, 1))
            // A revision that is no longer the latest is refused.
            #expect(throws: StoreError.self) { try s.undo(revision: history[0].id, source: Self.source) }
            #expect(try s.findRecord(type: "contacts", key: " A@X.io ")?.id == id)
            #expect(try s.record(id: id)?.version == 4)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func undoingABatchRevertsEachOfItsRecords(_ kind: StoreKind) throws {
        try Self.withStore(kind) { s in
            let ids = try ["a@x.io", "b@x.io"].map {
                try #require(try s.perform(Self.upsert($0), apply: true, source: Self.source).plans[0].record?.id)
            }
            try s.archive(type: "contacts", ids: ids, source: WriteSource("test", batch: "B1"))
            #expect(try s.counts(type: "contacts")! == (0, 2))
            let restored = try s.undoBatch("B1", source: Self.source)
            #expect(restored.count == 2 && restored.allSatisfy { !$0.archived })
            #expect(try s.counts(type: "contacts")! == (2, 0))
            #expect(throws: StoreError.self) { try s.undoBatch("nope", source: Self.source) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aParkedConflictIsResolvedOnce(_ kind: StoreKind) throws {
        try Self.withStore(kind) { s in
            let id = try #require(
                try s.perform(Self.upsert("a@x.io"), apply: true, source: Self.source).plans[0].record?.id)
            try s.archive(type: "contacts", id: id, source: Self.source)
            // A prompt-mode match of an archived record is a conflict; a non-atomic bulk batch parks it.
            let bulk = Exchange(
                Dialects.named("bulk")!,
                DialectRequest(
                    type: "contacts",
                    body: [
                        "records": [["attributes": ["email": "a@x.io", "n": 9], "identifiers": ["id": .string(id)]]]
                    ]))
            let x = try s.perform(bulk, apply: true, source: Self.source)
            #expect(x.plans[0].decision == .conflict)
            let parked = try s.conflicts(pendingOnly: true)
            let entry = try #require(parked.first)
            #expect(parked.count == 1)
            #expect(entry.recordID == id)
            try s.resolveConflict(id: entry.id, request: nil, resolution: "skip", source: Self.source)
            #expect(try s.conflicts(pendingOnly: true).isEmpty)
            #expect(try s.conflicts(pendingOnly: false).first?.resolution == "skip")
            #expect(throws: StoreError.self) {
                try s.resolveConflict(id: entry.id, request: nil, resolution: "skip", source: Self.source)
            }
        }
    }

    /// 40 bulk items — creates, updates of a record created earlier in the batch, a key changed and taken by
    /// another record, a key collision, an unchanged one — applied as one batch (the team store's staged writes)
    /// and one by one must give the same decisions and the same records.
    @Test(arguments: StoreKind.allCases)
    func aLargeBatchAgreesWithOneByOne(_ kind: StoreKind) throws {
        var items: [JSONValue] = []
        for i in 0..<30 { items.append(["attributes": ["email": .string("u\(i)@x.io"), "n": .int(Int64(i))]]) }
        items += [
            ["attributes": ["email": "u3@x.io", "n": 33]],  // updates a record of this batch
            ["attributes": ["email": "u3@x.io", "n": 34]],  // and again
            ["attributes": ["email": "u4@x.io", "code": "K1"]],  // adds a key
            ["attributes": ["email": "u5@x.io", "code": "K1"]],  // the same key: refused
            ["attributes": ["email": "u4@x.io", "code": "K2"]],  // gives K1 up
            ["attributes": ["email": "u5@x.io", "code": "K1"]],  // now free
            ["attributes": ["email": "u6@x.io", "n": 6]],  // unchanged
            ["attributes": ["email": "new@x.io", "n": 1]],
            ["attributes": ["email": "NEW@x.io", "n": 2]],  // the same record, by its normalised email
            ["attributes": ["n": 1]],  // no email: invalid
        ]
        func bulk(_ records: [JSONValue]) -> Exchange {
            Exchange(
                Dialects.named("bulk")!,
                DialectRequest(type: "contacts", body: ["records": .array(records.map(Self.byEmail))]))
        }
        var batched: (decisions: [Decision], records: [JSONValue])?
        try Self.withStore(kind) { s in
            let x = try s.perform(bulk(items), apply: true, source: Self.source)
            batched = (x.plans.map(\.decision), try Self.contents(s))
        }
        try Self.withStore(kind) { s in
            var decisions: [Decision] = []
            for item in items {
                decisions += try s.perform(bulk([item]), apply: true, source: Self.source).plans.map(\.decision)
            }
            #expect(decisions == batched?.decisions)
            #expect(try Self.contents(s) == batched?.records)
            #expect(decisions.filter { $0 == .create }.count == 31)
            #expect(decisions[33].isError && decisions[35] == .update, "\(decisions.suffix(10))")
            #expect(try Self.contents(s).contains { $0["data"]?["code"] == "K1" && $0["external_id"] == "u5@x.io" })
        }
    }

    /// A bulk item upserting by email (the bulk dialect matches by `ext_id`, so the email is the external id too).
    static func byEmail(_ item: JSONValue) -> JSONValue {
        guard let email = item["attributes"]?["email"]?.stringValue else { return item }
        var out = item.objectValue ?? [:]
        out["identifiers"] = ["ext_id": .string(email.lowercased())]
        return .object(out)
    }

    /// Every record's content, without ids and times, in insertion order.
    static func contents(_ s: any ScenarioStore) throws -> [JSONValue] {
        try s.allRecords().map {
            [
                "external_id": $0.externalID.map(JSONValue.string) ?? .null, "data": $0.data,
                "version": .int(Int64($0.version)),
            ]
        }
    }
}
