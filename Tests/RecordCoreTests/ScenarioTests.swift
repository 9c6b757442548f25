import RecordCore
import Testing

@Suite struct SubsetMatchTests {
    @Test(arguments: [
        (#"{"a":1}"#, #"{"a":1,"b":2}"#, true),
        (#"{"a":1}"#, #"{"a":2}"#, false),
        (#"{"a":"<any>"}"#, #"{"a":"x"}"#, true),
        (#"{"a":"<any>"}"#, #"{"a":null}"#, false),
        (#"{"a":{"$absent":true}}"#, #"{"b":1}"#, true),
        (#"{"a":{"$absent":true}}"#, #"{"a":null}"#, false),
        (#"{"a":{"$regex":"^x_[0-9]+$"}}"#, #"{"a":"x_12"}"#, true),
        (#"{"a":{"$regex":"^x$"}}"#, #"{"a":"y"}"#, false),
        (#"{"a":[1,{"b":2}]}"#, #"{"a":[1,{"b":2,"c":3}]}"#, true),
        (#"{"a":[1]}"#, #"{"a":[1,2]}"#, false),
    ])
    func matches(expected: String, actual: String, ok: Bool) throws {
        let d = SubsetMatch.difference(expected: try JSONValue.parse(expected), actual: try JSONValue.parse(actual))
        #expect((d == nil) == ok, "\(d ?? "")")
    }

    @Test func scenarioFilesNeedAnArray() {
        #expect(throws: SchemaError.self) { try Scenario.loadFile(["name": "x"], file: "f.json") }
    }
}

@Suite struct NativeRequestTests {
    @Test(arguments: [
        (#"{"lookup":{"identifier":"email","value":""}}"#, "lookup"),
        (#"{"lookup":{"identifier":"email","value":null}}"#, "lookup"),
        (#"{"lookup":{"path":"$.a["}}"#, "JSONPath"),
        (#"{"merge":"sideways"}"#, "merge"),
        (#"{"data":[1]}"#, "data must be an object"),
        (#"{"surprise":1}"#, "unknown request key"),
        (#"{"lookup":{"identifier":"a","path":"$.b"}}"#, "exactly one"),
        (#"[1]"#, "must be a JSON object"),
    ])
    func rejects(body: String, fragment: String) {
        #expect {
            try NativeRequest.decode(type: "t", bytes: Array(body.utf8))
        } throws: { error in
            (error as? RequestError)?.description.contains(fragment) == true
        }
    }

    @Test func oversizedBodyIs413() {
        let body = Array("{\"name\":\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1 << 20) + Array("\"}".utf8)
        #expect { try NativeRequest.decode(type: "t", bytes: body) } throws: { ($0 as? RequestError)?.status == 413 }
    }
}

@Suite struct ValidatorTests {
    @Test(arguments: [
        (FieldType.email, JSONValue.string("a@b.co"), true), (.email, "not-an-email", false),
        (.email, "a @b.co", false),
        (.phone, "+1 (555) 010-2020", true), (.phone, "call me", false),
        (.integer, 3, true), (.integer, 3.5, false), (.integer, "3", false),
        (.number, 3.5, true), (.boolean, true, true), (.boolean, 1, false),
        (.date, "2026-01-31", true), (.date, "2026-01-31T10:00:00Z", true), (.date, "yesterday", false),
        (.object, JSONValue.object(["a": 1]), true), (.array, JSONValue.array([1]), true), (.string, 1, false),
    ])
    func checks(type: FieldType, value: JSONValue, ok: Bool) {
        #expect((Validator.problem(value, as: type) == nil) == ok)
    }
}
