import Foundation
import Testing
import RecordCore

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
        ("{\"name\": \"x\",", "end of input at line 1, column 14"),
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
