import Foundation
import Testing

@testable import RecordCore

/// `JSONObject` keeps members sorted by key in an array; it must still behave as the dictionary it replaced.
@Suite struct JSONObjectTests {
    @Test func aMissingKeyIsNilNotJSONNull() {
        let o: JSONObject = ["identifier": "email", "z": nil]
        #expect(o["value"] == Optional<JSONValue>.none)
        #expect(o["z"] == .some(.null))
        #expect(o["identifier"] == "email")
    }

    @Test(arguments: [
        #"{"b":1,"a":2,"c":3}"#, #"{"c":3,"b":1,"a":2}"#, #"{"a":2,"b":1,"c":3}"#, #"{"a":9,"b":1,"c":3,"a":2}"#,
    ])
    func parsedMembersAreSortedAndARepeatedKeyKeepsItsLastValue(text: String) throws {
        let v = try JSONValue.parse(text)
        #expect(v.jsonText == #"{"a":2,"b":1,"c":3}"#)
        #expect(v.objectValue?.keys == ["a", "b", "c"])
    }

    /// Small objects are scanned, larger ones searched: both find every key, also among keys of one length.
    @Test(arguments: [3, 8, 9, 40])
    func everyKeyIsFoundWhateverTheSize(count: Int) {
        var o = JSONObject()
        let keys = (0..<count).map { String(format: "k%03d", ($0 * 7) % 1000) }
        for (n, k) in keys.enumerated() { o[k] = .int(Int64(n)) }
        for (n, k) in keys.enumerated() { #expect(o[k] == .int(Int64(n))) }
        #expect(o["k999"] == nil && o["k00"] == nil && o[""] == nil)
        #expect(o.removeValue(forKey: keys[count / 2]) == .int(Int64(count / 2)))
        #expect(o[keys[count / 2]] == nil && o.count == count - 1)
    }

    /// `overlaid` (one ordered pass) agrees with setting each key in turn, for keys before, between, after
    /// and on the existing ones, and for dropped keys.
    @Test(arguments: 0..<50)
    func overlaidAgreesWithSettingEachKey(seed: Int) {
        var rng = SeededRandom(seed: UInt64(seed))
        func object() -> JSONObject {
            JSONObject(
                (0..<Int(rng.next() % 7)).map { _ in ("k\(rng.next() % 9)", JSONValue.int(Int64(rng.next() % 3))) })
        }
        let mine = object(), theirs = object()
        let combine: (JSONValue?, JSONValue) -> JSONValue? = { old, new in
            // An absent key (nil) and a JSON null are told apart: 10 and -1.
            new == .int(0) ? nil : .int((old.map { $0.intValue ?? -1 } ?? 10) * 100 + (new.intValue ?? 0))
        }
        var expected = mine
        for (k, v) in theirs { expected[k] = combine(mine[k], v) }
        #expect(mine.overlaid(with: theirs, combine) == expected)
        #expect(mine.overlaid(with: theirs, combine).keys == expected.keys)
    }

    @Test func settingRemovingAndMergingKeepTheOrder() {
        var o: JSONObject = [:]
        for k in ["m", "b", "x", "a", "m"] { o[k] = .string(k) }
        #expect(o.keys == ["a", "b", "m", "x"])
        o["b"] = nil
        #expect(o.removeValue(forKey: "x") == "x")
        #expect(o.removeValue(forKey: "nope") == nil)
        o.merge(["a": 1, "c": 2]) { old, new in old == "a" ? new : old }
        #expect(JSONValue.object(o).jsonText == #"{"a":1,"c":2,"m":"m"}"#)
        #expect(o.count == 3 && !o.isEmpty)
    }

    @Test func equalityAndHashingIgnoreTheOrderMembersWereGivenIn() {
        let a = JSONObject([("x", 1), ("y", 2.0)])
        let b = JSONObject([("y", 2), ("x", 1)])
        #expect(a == b)
        #expect(Set([JSONValue.object(a), .object(b)]).count == 1)
        #expect(a != JSONObject([("x", 1)]))
        #expect(JSONObject(["k": JSONValue.bool(true)]) == ["k": true])
    }
}
