import Foundation
import RecordCore
import Testing

/// One file of JSONTestSuite's `test_parsing` folder.
struct JSONSuiteCase: Sendable, CustomTestStringConvertible {
    let name: String
    var testDescription: String { name }
}

/// JSONTestSuite (`../shared/json-test-suite/test_parsing`, or `$RECDECK_JSON_SUITE`): every `y_` file
/// is accepted, every `n_` file refused with a line and a column, and no `i_` file crashes (DESIGN §7).
@Suite("JSONTestSuite (../shared/json-test-suite)")
struct JSONTestSuiteTests {
    static var folder: URL {
        if let env = ProcessInfo.processInfo.environment["RECDECK_JSON_SUITE"] { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/json-test-suite/test_parsing")
    }

    static func cases(_ prefix: String) -> [JSONSuiteCase] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted().map(JSONSuiteCase.init)
    }

    static func bytes(_ c: JSONSuiteCase) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(c.name))
    }

    @Test("the suite is present")
    func suiteIsPresent() {
        #expect(Self.cases("y_").count >= 95, "no y_ files in \(Self.folder.path): is ../shared beside the package?")
        #expect(Self.cases("n_").count >= 188, "no n_ files in \(Self.folder.path)")
    }

    @Test("y_: accepted", arguments: cases("y_"))
    func accepts(_ c: JSONSuiteCase) throws {
        let value = try JSONValue.parse(Self.bytes(c))
        #expect(try JSONValue.parse(value.jsonText) == value)
    }

    @Test("n_: refused with line and column", arguments: cases("n_"))
    func refuses(_ c: JSONSuiteCase) throws {
        let data = try Self.bytes(c)
        #expect {
            try JSONValue.parse(data)
        } throws: { error in
            guard let e = error as? JSONSyntaxError, let line = e.line, let column = e.column else { return false }
            return line >= 1 && column >= 1 && e.message.hasPrefix("malformed JSON")
                && e.message.contains("line \(line), column \(column)")
        }
    }

    @Test("i_: either, without crashing", arguments: cases("i_"))
    func either(_ c: JSONSuiteCase) throws {
        let data = try Self.bytes(c)
        if let value = try? JSONValue.parse(data) { #expect(try JSONValue.parse(value.jsonText) == value) }
    }

    @Test(arguments: [
        (#"{"a":1,}"#, "unexpected '}' after ',', expected a key in quotes (no trailing commas) at line 1, column 8"),
        ("[1,]", "unexpected ']' after ',' (no trailing commas) at line 1, column 4"),
        ("[1,\n  2,\n  ]", "at line 3, column 3"),
        ("{\"é\": tru}", "expected true at line 1, column 10"),
        ("[01]", "leading zero at line 1, column 3"),
        ("[1e400]", "number 1e400 is out of range at line 1, column 2"),
    ])
    func refusalsNameWhatAndWhere(text: String, fragment: String) {
        #expect {
            try JSONValue.parse(text)
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains(fragment) == true
        }
    }

    @Test func nestingIsCappedWithoutCrashing() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
        let deep = String(repeating: "[", count: 100_000)
        #expect {
            try JSONValue.parse(deep)
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains("nested deeper than 512 levels at line 1, column 513") == true
        }
    }

    @Test func escapesAndSurrogates() throws {
        #expect(try JSONValue.parse(#""a\u00e9\ud83d\ude00\n\/""#) == .string("aé😀\n/"))
        #expect(try JSONValue.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
        #expect(try JSONValue.parse("\u{FEFF}{}") == .object([:]))
        #expect(try JSONValue.parse("-9223372036854775808") == .int(Int64.min))
        #expect(try JSONValue.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue.parse("-0") == .int(0))
    }
}
