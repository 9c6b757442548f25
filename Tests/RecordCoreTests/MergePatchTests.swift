import RecordCore
import Testing

@Suite struct MergePatchTests {
    /// RFC 7386 appendix A examples.
    @Test(arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"a":1,"e":null}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
        // Onto nothing (a create's path): nulls in arrays are values, nulls in objects at any depth go.
        (#"null"#, #"{"a":[null],"b":{"c":1}}"#, #"{"a":[null],"b":{"c":1}}"#),
        (#"{}"#, #"{"a":1,"b":null}"#, #"{"a":1}"#),
        (#"[1]"#, #"{"a":{"b":{"c":null,"d":2}}}"#, #"{"a":{"b":{"d":2}}}"#),
    ])
    func rfc7386(target: String, patch: String, result: String) throws {
        #expect(
            MergePatch.apply(try JSONValue.parse(patch), to: try JSONValue.parse(target))
                == (try JSONValue.parse(result)))
    }

    @Test func unionKeepsExistingOrderAndAddsNewValuesOnce() {
        let merged = MergePatch.union(["a@x.com", "B@x.com"], ["b@x.com", "c@x.com", "A@X.com"], normalize: .email)
        #expect(merged == ["a@x.com", "B@x.com", "c@x.com"])
    }

    @Test func diffListsLeaves() throws {
        let d = MergePatch.diff(["a": 1, "o": ["x": 1, "y": 2]], ["a": 1, "o": ["x": 2], "n": true], at: .root)
        #expect(d.map(\.path) == ["$.n", "$.o.x", "$.o.y"])
        #expect(d.map(\.op) == [.add, .replace, .remove])
    }
}
