import Foundation
import RecordCore
import Testing

@Suite struct JSONTextTests {
    @Test func parsesEveryKind() throws {
        let v = try JSONValue.parse(#"{"s":"x","i":3,"d":1.5,"b":true,"n":null,"a":[1,"2"],"o":{"k":false}}"#)
        #expect(v == ["s": "x", "i": 3, "d": 1.5, "b": true, "n": nil, "a": [1, "2"], "o": ["k": false]])
        #expect(v["i"] == .int(3))
        #expect(v["b"] == .bool(true))
    }

    @Test func numbersCompareByValue() {
        #expect(JSONValue.int(5) == JSONValue.double(5.0))
        #expect(JSONValue.int(1) != JSONValue.bool(true))
    }

    @Test func writesSortedEscapedText() throws {
        let v: JSONValue = ["b": "line\nbreak \u{1B}[31m", "a": [1, 2.5, nil]]
        #expect(v.jsonText == #"{"a":[1,2.5,null],"b":"line\nbreak \u001b[31m"}"#)
        #expect(try JSONValue.parse(v.jsonText) == v)
        #expect(try JSONValue.parse(v.prettyText) == v)
    }

    @Test(arguments: [
        (
            "{\"name\": \"x\",",
            "unexpected end of input after ',', expected a key in quotes (no trailing commas) at line 1, column 14"
        ),
        ("{\"a\":\n  [1,,2]}", "line 2"),
        ("", "empty input"),
    ])
    func malformedTextSaysWhere(text: String, fragment: String) {
        #expect {
            try JSONValue.parse(text)
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains(fragment) == true
        }
    }

    @Test func invalidUTF8IsNamed() {
        #expect {
            try JSONValue.parse(Data([0x22, 0xFF, 0x22]))
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains("UTF-8") == true
        }
    }
}

@Suite struct TimestampTests {
    @Test(arguments: [0.0, 1_767_225_600, 1_767_225_600.123, 951_782_400, -86_400.5, 4_102_444_799])
    func roundTrips(seconds: Double) {
        let d = Date(timeIntervalSince1970: seconds)
        let text = Timestamp.format(d)
        #expect(Timestamp.parse(text)?.timeIntervalSince1970 == (seconds * 1000).rounded(.down) / 1000)
        // Agrees with Foundation's formatter.
        let foundation = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).format(d)
        #expect(text.prefix(19) == foundation.prefix(19))
    }

    @Test func readsOtherISOForms() {
        #expect(Timestamp.format(Timestamp.parse("2026-02-01")!) == "2026-02-01T00:00:00Z")
        #expect(Timestamp.parse("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parse("yesterday") == nil)
    }

    /// A database column's bytes read as a time agree with the text read as one, in every form.
    @Test(arguments: [
        "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.123Z", "2026-02-01", "2026-13-01T00:00:00Z", "", "x",
    ])
    func bytesReadAsTheirText(text: String) {
        let fromBytes = Array(text.utf8).withUnsafeBufferPointer { Timestamp.parse(utf8: $0) }
        #expect(fromBytes == Timestamp.parse(text))
    }
}

/// A revision's compact `after` (only what can change between versions) reads back as the same record, and a
/// full record JSON written before the compact form still reads.
@Suite struct RevisionTextTests {
    static let created = Date(timeIntervalSince1970: 0)
    static let at = Date(timeIntervalSince1970: 60)

    static let records: [Record] = [
        Record(id: "r2", type: "t", createdAt: created, updatedAt: at),
        Record(
            id: "r1", type: "t", name: "N \"q\"", externalID: "e1", data: ["b": [1, 2], "a": ["x": nil]],
            parentID: "p", archived: true, archivedAt: Date(timeIntervalSince1970: 5), version: 4, createdAt: created,
            updatedAt: at, associations: ["z"], mergedInto: "m"),
        // Written at another time than its revision's (kept in the text).
        Record(id: "r3", type: "t", data: ["k": "v"], version: 2, createdAt: created, updatedAt: created),
    ]

    @Test(arguments: records) func compactTextReadsBackAsTheSameRecord(_ r: Record) throws {
        let text = r.revisionText(dataText: r.data.jsonText, at: Self.at)
        #expect(!text.contains("\"id\"") && !text.contains("\"type\"") && !text.contains("created_at"))
        let back = try Record(
            revision: JSONValue.parse(text), id: r.id, type: r.type, createdAt: r.createdAt, version: r.version,
            at: Self.at)
        #expect(back == r)
    }

    @Test func aNewRecordsRevisionIsItsDataAlone() {
        let r = Record(id: "r", type: "t", data: ["a": 1], createdAt: Self.created, updatedAt: Self.at)
        #expect(r.revisionText(dataText: r.data.jsonText, at: Self.at) == #"{"data":{"a":1}}"#)
    }

    @Test(arguments: records) func aFullRecordWrittenBeforeStillReads(_ r: Record) throws {
        let back = try Record(
            revision: r.json, id: r.id, type: r.type, createdAt: r.createdAt, version: 99, at: Self.at)
        #expect(back == r)
    }
}

@Suite struct JSONNumberEdgeTests {
    /// Found by the fuzzer: 2^63 came back as -2^63 (read as UInt64, converted with wrapping).
    @Test(arguments: [
        ("9223372036854775808", 9.223372036854775808e18), ("18446744073709551615", 1.8446744073709551615e19),
        ("-19223372036854775808", -1.9223372036854775808e19), ("123456789012345678901234567890", 1.2345678901234568e29),
    ])
    func integersBeyondInt64BecomeTheirNearestDouble(_ text: String, _ expected: Double) throws {
        let value = try JSONValue.parse(text)
        #expect(value == .double(expected))
        #expect(try JSONValue.parse(value.jsonText) == value)
    }

    @Test func edgeIntegersStayIntegers() throws {
        #expect(try JSONValue.parse("9223372036854775807") == .int(.max))
        #expect(try JSONValue.parse("-9223372036854775808") == .int(.min))
    }

    @Test func numbersBeyondDoubleAreRefusedClearly() {
        #expect { try JSONValue.parse("1e400") } throws: { ($0 as? JSONSyntaxError)?.message.contains("1e400") == true }
    }
}
