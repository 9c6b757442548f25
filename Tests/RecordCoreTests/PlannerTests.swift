import Foundation
import RecordCore
import Testing

/// Answers the planner from an array of records, computing keys the way the store's keys table does.
struct MemoryLookup: RecordLookup {
    var types: [String: ObjectType]
    var records: [Record]
    var idempotency: [String: IdempotencyEntry] = [:]

    func records(type: String, identifier: String, value: String) throws -> [Record] {
        guard let t = types[type] else { return [] }
        return records.filter {
            $0.type == type && t.keys(of: $0).contains(IdentifierKey(identifier: identifier, value: value))
        }
    }
    func scan(type: String, matching: (Record) -> Bool) throws -> [Record] {
        records.filter { $0.type == type && matching($0) }
    }
    func record(id: String) throws -> Record? { records.first { $0.id == id } }
    func idempotencyEntry(key: String) throws -> IdempotencyEntry? { idempotency[key] }
    func nextAutonumber(type: String) throws -> Int { records.filter { $0.type == type }.count + 1 }
}

enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)
    static let contacts = try! ObjectType(json: [
        "key": "contacts", "kind": "contact",
        "fields": [
            ["key": "email", "type": "email", "required": true], ["key": "phone", "type": "phone"],
            ["key": "score", "type": "integer"],
        ],
        "identifiers": [["name": "email", "source": "$.email", "normalize": "email"]],
    ])
    static let companies = try! ObjectType(json: [
        "key": "companies", "name_field": ["required": true, "unique": true],
    ])
    static let types = ["contacts": contacts, "companies": companies]

    static func contact(_ id: String, _ email: String, archived: Bool = false, version: Int = 1, day: Int = 0) -> Record
    {
        Record(
            id: id, type: "contacts", data: ["email": .string(email)], archived: archived, version: version,
            createdAt: t0.addingTimeInterval(Double(day) * 86400))
    }
    static func company(_ id: String, _ name: String, archived: Bool = false, data: JSONValue = [:]) -> Record {
        Record(id: id, type: "companies", name: name, data: data, archived: archived, createdAt: t0)
    }

    static func plan(
        _ type: String, _ body: JSONValue, records: [Record], idempotency: [String: IdempotencyEntry] = [:]
    ) throws -> Plan {
        var n = 0
        let planner = Planner(
            lookup: MemoryLookup(types: types, records: records, idempotency: idempotency),
            now: t0.addingTimeInterval(1000),
            makeID: {
                n += 1; return "new\(n)"
            })
        let request: UpsertRequest
        do { request = try NativeRequest.decode(type: type, body: body) } catch { return .invalid(error) }
        return try planner.plan(request, type: types[type])
    }
}

struct DecisionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let type: String
    let records: [Record]
    let body: JSONValue
    let decision: Decision
    let status: Int
    var testDescription: String { name }
}

@Suite struct PlannerTests {
    static let cases: [DecisionCase] = {
        let F = Fixtures.self
        let byEmail: JSONValue = ["lookup": ["identifier": "email"], "data": ["email": "A@x.com", "phone": "2"]]
        let byName: JSONValue = ["lookup": ["identifier": "name"], "name": "Acme", "data": ["size": 5]]
        func mode(_ m: String) -> JSONValue {
            ["lookup": ["identifier": "name"], "name": "Acme", "data": ["size": 5], "on_archived_match": .string(m)]
        }
        return [
            DecisionCase(
                name: "no match creates", type: "contacts", records: [], body: byEmail, decision: .create, status: 201),
            DecisionCase(
                name: "one active match updates", type: "contacts", records: [F.contact("c1", "a@x.com")],
                body: byEmail, decision: .update, status: 200),
            DecisionCase(
                name: "same content is unchanged", type: "contacts",
                records: [
                    Record(id: "c1", type: "contacts", data: ["email": "A@x.com", "phone": "2"], createdAt: F.t0)
                ],
                body: byEmail, decision: .unchanged, status: 200),
            DecisionCase(
                name: "archived match prompts", type: "companies", records: [F.company("a1", "Acme", archived: true)],
                body: byName, decision: .conflict, status: 409),
            DecisionCase(
                name: "unarchive", type: "companies", records: [F.company("a1", "Acme", archived: true)],
                body: mode("unarchive"), decision: .unarchive, status: 201),
            DecisionCase(
                name: "unarchive_update", type: "companies", records: [F.company("a1", "Acme", archived: true)],
                body: mode("unarchive_update"), decision: .unarchive_update, status: 201),
            DecisionCase(
                name: "overwrite", type: "companies", records: [F.company("a1", "Acme", archived: true)],
                body: mode("overwrite"), decision: .overwrite, status: 201),
            DecisionCase(
                name: "on_no_match skip", type: "contacts", records: [],
                body: ["lookup": ["identifier": "email"], "on_no_match": "skip", "data": ["email": "a@x.com"]],
                decision: .skip, status: 200),
            DecisionCase(
                name: "two active matches are ambiguous", type: "contacts",
                records: [F.contact("c1", "a@x.com"), F.contact("c2", "b@x.com")],
                body: ["lookup": ["identifier": "email", "value": ["a@x.com", "b@x.com"]], "data": ["phone": "1"]],
                decision: .ambiguous, status: 300),
            DecisionCase(
                name: "stale expected_version", type: "contacts", records: [F.contact("c1", "a@x.com", version: 3)],
                body: [
                    "lookup": ["identifier": "email", "value": "a@x.com"], "expected_version": 2,
                    "data": ["phone": "1"],
                ], decision: .stale, status: 409),
            DecisionCase(
                name: "unknown type", type: "nope", records: [], body: ["data": [:]], decision: .not_found, status: 404),
            DecisionCase(
                name: "wrong field type", type: "contacts", records: [],
                body: ["data": ["email": "a@x.com", "score": "high"]], decision: .invalid, status: 400),
            DecisionCase(
                name: "unknown identifier", type: "contacts", records: [],
                body: ["lookup": ["identifier": "nope"], "data": ["email": "a@x.com"]], decision: .invalid, status: 400),
            DecisionCase(
                name: "rename onto an active name", type: "companies",
                records: [
                    F.company("a1", "Acme"),
                    Record(id: "g1", type: "companies", name: "Globex", externalID: "G1", createdAt: F.t0),
                ],
                body: ["lookup": ["identifier": "external_id", "value": "G1"], "name": "acme"], decision: .invalid,
                status: 400),
            DecisionCase(
                name: "rename onto an archived name", type: "companies",
                records: [
                    F.company("a1", "Acme", archived: true),
                    Record(id: "g1", type: "companies", name: "Globex", externalID: "G1", createdAt: F.t0),
                ],
                body: ["lookup": ["identifier": "external_id", "value": "G1"], "name": "Acme"], decision: .conflict,
                status: 409),
        ]
    }()

    @Test(arguments: cases)
    func decides(_ c: DecisionCase) throws {
        let plan = try Fixtures.plan(c.type, c.body, records: c.records)
        #expect(plan.decision == c.decision, "\(plan.errors)")
        #expect(plan.status == c.status)
        if !plan.decision.writes { #expect(plan.writes.isEmpty) }
    }

    @Test func firstPicksTheOldestActiveMatchAndWarns() throws {
        let plan = try Fixtures.plan(
            "contacts",
            [
                "lookup": ["identifier": "email", "value": ["b@x.com", "a@x.com"]], "on_multiple_matches": "first",
                "data": ["phone": "1"],
            ],
            records: [Fixtures.contact("young", "b@x.com", day: 5), Fixtures.contact("old", "a@x.com", day: 1)])
        #expect(plan.decision == .update)
        #expect(plan.record?.id == "old")
        #expect(plan.warnings.contains { $0.contains("multiple") })
    }

    @Test func anActiveMatchWinsOverAnArchivedOne() throws {
        let plan = try Fixtures.plan(
            "contacts", ["lookup": ["identifier": "email", "value": ["a@x.com", "b@x.com"]], "data": ["phone": "1"]],
            records: [Fixtures.contact("arch", "b@x.com", archived: true), Fixtures.contact("live", "a@x.com")])
        #expect(plan.decision == .update)
        #expect(plan.match?.id == "live")
    }

    @Test func conflictListsEveryAlternativeAndWritesNothing() throws {
        let plan = try Fixtures.plan(
            "companies", ["lookup": ["identifier": "name"], "name": "Acme", "data": ["size": 5, "industry": "x"]],
            records: [Fixtures.company("a1", "Acme", archived: true, data: ["industry": "retail"])])
        #expect(plan.decision == .conflict)
        #expect(plan.writes.isEmpty)
        let alts = Dictionary(uniqueKeysWithValues: plan.alternatives.map { ($0.mode, $0.alternative) })
        #expect(alts[.unarchive]?.record?.data == ["industry": "retail", "size": 5])
        #expect(alts[.unarchive_update]?.record?.data == ["industry": "x", "size": 5])
        #expect(alts[.overwrite]?.decision == .overwrite)
        #expect(alts[.overwrite]?.record?.id == "new1")
    }

    @Test func overwriteMovesTheArchivedValueAsideInTheSameWrites() throws {
        let plan = try Fixtures.plan(
            "companies", ["lookup": ["identifier": "name"], "name": "Acme", "on_archived_match": "overwrite"],
            records: [Fixtures.company("a1", "Acme", archived: true)])
        #expect(plan.writes.map(\.op) == [.discard, .create])
        #expect(plan.writes[0].after.name == "Acme_discarded_\(Int(Fixtures.t0.timeIntervalSince1970) + 1000)")
        #expect(plan.writes[0].before?.name == "Acme")
        #expect(plan.sideEffects.first?.recordID == "a1")
    }

    @Test func idempotencyReplaysAndRefusesADifferentPayload() throws {
        let body: JSONValue = ["name": "Initech", "idempotency_key": "k1"]
        let first = try NativeRequest.decode(type: "companies", body: body)
        let entry = IdempotencyEntry(
            type: "companies", fingerprint: first.fingerprint, decision: .create, recordID: "i1")
        let state = [Fixtures.company("i1", "Initech")]
        let replay = try Fixtures.plan("companies", body, records: state, idempotency: ["k1": entry])
        #expect(replay.replayed && replay.decision == .create && replay.record?.id == "i1")
        let other = try Fixtures.plan(
            "companies", ["name": "Initrode", "idempotency_key": "k1"], records: state, idempotency: ["k1": entry])
        #expect(other.status == 409)
        #expect(other.errors.first?.message.contains("idempotency") == true)
    }

    @Test func updateChangesOnlyWhatTheRequestGives() throws {
        let plan = try Fixtures.plan(
            "contacts", ["lookup": ["identifier": "email", "value": "a@x.com"], "data": ["phone": "9"]],
            records: [Fixtures.contact("c1", "a@x.com", version: 4)])
        #expect(plan.record?.version == 5)
        #expect(plan.diff.map(\.path) == ["$.data.phone"])
        #expect(plan.json["diff"]?.arrayValue?.count == 1)
    }
}

@Suite struct LookupKindTests {
    static func planner(_ records: [Record]) -> Planner {
        var n = 0
        return Planner(
            lookup: MemoryLookup(types: Fixtures.types, records: records), now: Fixtures.t0.addingTimeInterval(1000),
            makeID: {
                n += 1; return "new\(n)"
            })
    }

    @Test func aSourceLookupFinerThanTheIdentifierScansWithAWarning() throws {
        let exactEmail = try ObjectType(json: [
            "key": "contacts", "identifiers": [["name": "email", "source": "$.email", "normalize": "exact"]],
        ])
        var r = UpsertRequest(type: "contacts")
        r.lookup = .source(.data(try JSONPath(parsing: "$.email")), value: "JANE@x.com", normalize: .casefold)
        r.data = ["score": 1]
        r.onMultipleMatches = .first
        let plan = try Self.planner([Fixtures.contact("c1", "jane@X.com")]).plan(r, type: exactEmail)
        #expect(plan.decision == .update && plan.match?.id == "c1")
        #expect(plan.warnings.contains { $0.contains("unindexed lookup") })
        // With an equivalent normalisation the index answers, without a warning.
        let indexed = try Self.planner([Fixtures.contact("c1", "jane@X.com")]).plan(r, type: Fixtures.contacts)
        #expect(indexed.decision == .update && indexed.warnings.isEmpty)
        #expect(indexed.lookup?.identifier == "email")
    }

    @Test func aRecordIdLookupUpdatesOrIsInvalid() throws {
        var r = UpsertRequest(type: "contacts")
        r.lookup = .recordID("c1")
        r.data = ["score": 2]
        #expect(
            try Self.planner([Fixtures.contact("c1", "a@x.com")]).plan(r, type: Fixtures.contacts).decision == .update)
        let missing = try Self.planner([]).plan(r, type: Fixtures.contacts)
        #expect(missing.decision == .invalid && missing.errors.first?.field == "lookup.id")
        // A record of another type is not found by id either.
        #expect(
            try Self.planner([Fixtures.company("c1", "Acme")]).plan(r, type: Fixtures.contacts).decision == .invalid)
    }

    @Test func associationTargetsResolveByExternalIdAndMustExist() throws {
        var target = Fixtures.company("a1", "Acme")
        target.externalID = "EXT-A"
        var r = UpsertRequest(type: "contacts")
        r.data = ["email": "n@x.com"]
        r.associations = [.externalID(type: "companies", value: "EXT-A")]
        let plan = try Self.planner([target]).plan(r, type: Fixtures.contacts)
        #expect(plan.decision == .create && plan.record?.associations == ["a1"])
        r.associations = [.externalID(type: "companies", value: "NOPE"), .id("zzz")]
        let bad = try Self.planner([target]).plan(r, type: Fixtures.contacts)
        #expect(bad.decision == .invalid && bad.errors.count == 2)
    }
}
