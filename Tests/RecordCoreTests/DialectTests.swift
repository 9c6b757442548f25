import Foundation
import RecordCore
import Testing

/// A hostile or malformed body sent to one dialect.
struct HostileCase: Sendable, CustomTestStringConvertible {
    let dialect: String
    let label: String
    let body: JSONValue
    var testDescription: String { "\(dialect): \(label)" }
}

/// Decodes a request and encodes the plan a refusal (or nothing) gives, without a store.
enum DialectHarness {
    static let types: [String: ObjectType] = [
        "contacts": Fixtures.contacts, "companies": Fixtures.companies,
        "devices": try! ObjectType(json: [
            "key": "devices", "name_field": ["required": true, "unique": false],
            "fields": [["key": "serial", "type": "string"]],
        ]),
        "properties": try! ObjectType(json: [
            "key": "properties", "name_field": ["required": true],
            "identifiers": [
                ["name": "property_id", "source": "$.external_ids.rex.property_id"], ["name": "id", "source": "$.id"],
            ],
        ]),
    ]

    static func decode(_ dialect: String, type: String?, query: [(String, String)] = [], body: JSONValue) -> Result<
        DecodedBatch, RequestError
    > {
        let d = Dialects.named(dialect)!
        let request = DialectRequest(type: type, query: query, body: body)
        return d.decode(request, type: d.typeKey(of: request).flatMap { types[$0] })
    }

    static func single(_ dialect: String, type: String?, query: [(String, String)] = [], body: JSONValue) throws
        -> UpsertRequest
    {
        switch decode(dialect, type: type, query: query, body: body) {
        case .failure(let e): throw e
        case .success(let b): return try b.items[0].request.get()
        }
    }

    static func refusal(_ dialect: String, type: String?, query: [(String, String)] = [], body: JSONValue) -> (
        RequestError, NativeResponse
    )? {
        let d = Dialects.named(dialect)!
        let request = DialectRequest(type: type, query: query, body: body)
        guard case .failure(let e) = decode(dialect, type: type, query: query, body: body) else { return nil }
        return (e, d.response(to: [.invalid(e)], request: request, type: nil, processID: nil))
    }

    /// The member every error body of the dialect carries.
    static func envelopeHolds(_ dialect: String, _ body: JSONValue) -> Bool {
        switch dialect {
        case "voxworks": return body["success"] == false && body["message"]?.stringValue != nil
        case "kizen": return body["non_field_errors"]?.arrayValue != nil && body["fields"]?.arrayValue != nil
        case "nex":
            return body["status_code"]?.intValue != nil && body["code"]?.stringValue != nil
                && body["message"]?.stringValue != nil
        case "zendesk": return !(body["errors"]?.arrayValue ?? []).isEmpty
        case "bulk": return body["status"] == "error" && body["message"]?.stringValue != nil
        default: return !(body["errors"]?.arrayValue ?? []).isEmpty
        }
    }
}

@Suite struct DialectTests {
    static let hostile: [HostileCase] = {
        let bodies: [(String, JSONValue)] = [
            ("null body", .null), ("array body", [1, 2]), ("string body", "upsert please"), ("number body", 42),
            ("unknown member", ["frobnicate": true]),
            (
                "wrong member types",
                [
                    "name": 1, "data": "x", "fields": [], "records": "all", "matching_attribute": 3,
                    "custom_object_record": "x", "lookup_value": ["a"], "type_name": ["x"], "upsert_key": "k",
                ]
            ),
        ]
        return Dialects.names.flatMap { d in bodies.map { HostileCase(dialect: d, label: $0.0, body: $0.1) } }
    }()

    @Test("malformed bodies are refused in the dialect's own envelope", arguments: hostile)
    func malformedBodiesAreRefused(_ c: HostileCase) throws {
        let type = c.dialect == "voxworks" ? nil : "contacts"
        let (error, response) = try #require(DialectHarness.refusal(c.dialect, type: type, body: c.body))
        #expect((400..<500).contains(response.status), "\(response)")
        #expect(DialectHarness.envelopeHolds(c.dialect, response.body), "\(response.body.jsonText)")
        #expect(!error.errors.isEmpty)
    }

    @Test func voxworksDefaultsToTheRexIdThenId() throws {
        let r = try DialectHarness.single(
            "voxworks", type: nil, body: ["name": "Flat", "type_name": "properties", "data": ["id": "a"]])
        #expect(r.type == "properties")
        #expect(
            r.lookup
                == .paths([try JSONPath(parsing: "$.external_ids.rex.property_id"), try JSONPath(parsing: "$.id")]))
        #expect(r.name == .set("Flat"))
    }

    @Test func voxworksUniqueKeyIsAnAliasThatMustAgree() throws {
        let alias = try DialectHarness.single(
            "voxworks", type: nil,
            body: ["name": "A", "type_id": "properties", "unique_key": ["path": "$.mls", "value": "M1"]])
        #expect(alias.lookup == .path(try JSONPath(parsing: "$.mls"), value: "M1"))
        let decoded = try DialectHarness.decode(
            "voxworks", type: nil,
            body: ["name": "A", "type_id": "properties", "unique_key": ["path": "$.mls", "value": "M1"]]
        ).get()
        #expect(decoded.items[0].warnings == ["unique_key is deprecated; send upsert_key"])
        let same = try DialectHarness.single(
            "voxworks", type: nil,
            body: [
                "name": "A", "type_id": "properties",
                "upsert_key": ["path": "$.mls", "value": "M1"], "unique_key": ["path": "$.mls", "value": "M1"],
            ])
        #expect(same.lookup == alias.lookup)
        let (e, response) = try #require(
            DialectHarness.refusal(
                "voxworks", type: nil,
                body: [
                    "name": "A", "type_id": "properties",
                    "upsert_key": ["path": "$.mls", "value": "M1"], "unique_key": ["path": "$.mls", "value": "M2"],
                ]))
        #expect(e.errors.first?.field == "unique_key")
        #expect(response.status == 400 && response.body["success"] == false)
        #expect(
            DialectHarness.refusal(
                "voxworks", type: nil, body: ["name": "A", "type_name": "properties", "type_id": "companies"]) != nil)
        #expect(
            DialectHarness.refusal(
                "voxworks", type: nil, body: ["name": "A", "type_id": "properties", "upsert_key": ["path": "$.a["]])?.0
                .errors.first?.field == "upsert_key.path")
    }

    @Test func kizenLooksUpContactsByEmailAndOthersByNameCaseInsensitively() throws {
        let contact = try DialectHarness.single(
            "kizen", type: "contacts", body: ["lookup_value": "A@X.com", "fields": ["score": 1]])
        #expect(
            contact.lookup == .source(.data(try JSONPath(parsing: "$.email")), value: "A@X.com", normalize: .casefold))
        #expect(contact.onMultipleMatches == .first)
        let company = try DialectHarness.single(
            "kizen", type: "companies",
            body: [
                "lookup_value": "acme", "oncreate_unarchive": "overwrite",
                "onupdate_archived_conflict": "overwrite",
            ])
        #expect(company.lookup == .source(.name, value: "acme", normalize: .casefold))
        #expect(company.onArchivedMatch == .overwrite && company.onArchivedConflict == .overwrite)
        #expect(
            try DialectHarness.single(
                "kizen", type: "companies", body: ["lookup_value": "acme", "oncreate_unarchive": nil]
            ).onArchivedMatch == .prompt)
        let (_, missing) = try #require(DialectHarness.refusal("kizen", type: "contacts", body: ["fields": [:]]))
        #expect(missing.body["lookup_value"]?.arrayValue?.isEmpty == false)
    }

    @Test func kizenResponseFieldsAreTheTouchedOnesUnlessAskedForAll() throws {
        var plan = Plan(decision: .update, action: .updated)
        plan.record = Record(
            id: "c1", type: "contacts", data: ["email": "a@x.com", "score": 3, "phone": "1"], createdAt: Fixtures.t0)
        let request = DialectRequest(type: "contacts", body: ["lookup_value": "a@x.com", "fields": ["score": 3]])
        let some = KizenDialect().response(to: plan, request: request, type: Fixtures.contacts)
        #expect(some.status == 200)
        // The touched fields, and the system field `id` the schema requires.
        #expect(some.body["fields"]?.objectValue.map { Set($0.keys) } == ["score", "id"])
        #expect(some.body["fields"]?["id"]?["value"] == ["id": "c1"])
        #expect(some.body["fields"]?["score"]?["field_type"] == "integer")
        #expect(some.body["fields"]?["score"]?["display_name"] == "Score")
        var all = request
        all.query = [("return_all_fields", "true")]
        #expect(
            KizenDialect().response(to: plan, request: all, type: Fixtures.contacts).body["fields"]?.objectValue?.count
                == 4)
    }

    @Test(arguments: [
        ("job_title", "not unique"), ("shoe_size", "no attribute \"shoe_size\""),
        ("email", "must be given in attributes"),
    ])
    func nexMatchingAttributeMustBeAUniqueIdentifierInThePayload(_ attribute: String, _ message: String) throws {
        var type = Fixtures.contacts
        type.fields.append(FieldDefinition(key: "job_title", type: .string))
        let d = NexDialect()
        let request = DialectRequest(
            type: "contacts", body: ["matching_attribute": .string(attribute), "attributes": ["job_title": "CTO"]])
        guard case .failure(let e) = d.decode(request, type: type) else { Issue.record("accepted"); return }
        #expect(e.description.contains(message), "\(e)")
        let response = d.response(to: [.invalid(e)], request: request, type: type, processID: nil)
        #expect(response.status == 400 && response.body["status_code"] == 400)
    }

    @Test func nexUnknownObjectIsNotFound() throws {
        let (e, response) = try #require(
            DialectHarness.refusal("nex", type: "planets", body: ["matching_attribute": "x", "attributes": [:]]))
        #expect(e.status == 404 && Plan.invalid(e).decision == .not_found)
        #expect(response.status == 404 && response.body["code"] == "not_found")
    }

    @Test func zendeskTakesExactlyOneOfExternalIdOrAUniqueName() throws {
        let body: JSONValue = ["custom_object_record": ["custom_object_fields": ["serial": "S"]]]
        let byID = try DialectHarness.single("zendesk", type: "companies", query: [("external_id", "A-1")], body: body)
        #expect(byID.lookup == .source(.externalID, value: "A-1", normalize: .exact))
        #expect(byID.data == ["serial": "S"])
        let byName = try DialectHarness.single("zendesk", type: "companies", query: [("name", "Acme")], body: body)
        #expect(byName.lookup == .source(.name, value: "Acme", normalize: .casefold))
        #expect(
            DialectHarness.refusal(
                "zendesk", type: "companies", query: [("external_id", "A"), ("name", "B")], body: body)?.0.description
                .contains("exactly one") == true)
        #expect(DialectHarness.refusal("zendesk", type: "companies", body: body) != nil)
        #expect(
            DialectHarness.refusal("zendesk", type: "devices", query: [("name", "Phone")], body: body)?.0.description
                .contains("not unique") == true)
        #expect(DialectHarness.refusal("zendesk", type: "nope", query: [("name", "x")], body: body)?.1.status == 404)
    }

    @Test func bulkDecodesItemsAloneAndEnforcesBatchLimits() throws {
        let ok = try DialectHarness.decode(
            "bulk", type: "contacts",
            body: [
                "records": [
                    [
                        "attributes": ["email": "a@x.com", "colour": "red"], "identifiers": ["ext_id": "E1"],
                        "associations": [
                            ["object_type": "companies", "identifiers": ["ext_id": "C9"]],
                            ["object_type": "companies", "identifiers": ["id": "r1"]],
                        ],
                    ],
                    ["identifiers": ["ext_id": "E1", "id": "r2"]],
                    ["attributes": ["score": 2], "identifiers": ["id": "r3"]],
                ], "atomic": true,
            ]
        ).get()
        #expect(ok.atomic && ok.items.count == 3)
        let first = try ok.items[0].request.get()
        #expect(first.data == ["email": "a@x.com"])
        #expect(ok.items[0].warnings.contains { $0.contains("colour") })
        #expect(first.lookup == .source(.externalID, value: "E1", normalize: .exact))
        #expect(first.associations == [.externalID(type: "companies", value: "C9"), .id("r1")])
        #expect(throws: RequestError.self) { try ok.items[1].request.get() }
        #expect(try ok.items[2].request.get().lookup == .recordID("r3"))

        let many = JSONValue.array(Array(repeating: ["attributes": ["score": 1]], count: 1001))
        #expect(
            DialectHarness.refusal("bulk", type: "contacts", body: ["records": many])?.0.description.contains("1000")
                == true)
        #expect(DialectHarness.refusal("bulk", type: "contacts", body: ["records": []]) != nil)
        let (_, unknown) = try #require(
            DialectHarness.refusal("bulk", type: "boats", body: ["records": [["attributes": [:]]]]))
        #expect(unknown.status == 400 && unknown.body["message"]?.stringValue?.contains("invalid object type") == true)
    }

    @Test func aBodyOverOneMebibyteIs413BeforeParsing() {
        let bytes = Array(repeating: UInt8(ascii: " "), count: Limits.maxBodyBytes + 1)
        #expect(throws: RequestError.self) { try DialectRequest(type: "contacts", bytes: bytes) }
        let e = Result { () throws(RequestError) -> DialectRequest in try DialectRequest(type: "contacts", bytes: bytes)
        }
        if case .failure(let err) = e { #expect(err.status == 413) }
        let invalidUTF8 = Result { () throws(RequestError) -> DialectRequest in
            try DialectRequest(type: "contacts", bytes: [0x7B, 0xFF, 0x7D])
        }
        if case .failure(let err) = invalidUTF8 {
            #expect(err.description.contains("UTF-8"))
        } else {
            Issue.record("accepted invalid UTF-8")
        }
    }
}
