import RecordCore
import Testing

@Suite struct JSONPathTests {
    @Test(arguments: [
        ("$", [JSONPath.Segment]()),
        ("$.email", [.key("email")]),
        ("$.external_ids.rex.property_id", [.key("external_ids"), .key("rex"), .key("property_id")]),
        ("$['a b']", [.key("a b")]),
        ("$[\"quoted\"]", [.key("quoted")]),
        ("$.tags[2]", [.key("tags"), .index(2)]),
        ("$['it\\'s'][0].x", [.key("it's"), .index(0), .key("x")]),
    ])
    func parses(text: String, segments: [JSONPath.Segment]) throws {
        #expect(try JSONPath(parsing: text).segments == segments)
    }

    @Test(arguments: [
        ("email", 0, "starts with $"),
        ("$.a[", 4, "expected an index or a quoted key"),
        ("$.", 2, "expected a key"),
        ("$.a]", 3, "unexpected"),
        ("$['a'", 5, "expected \"]\""),
        ("$['a", 4, "unterminated"),
        ("$x", 1, "expected \".\" or \"[\""),
        ("$[1x]", 3, "expected \"]\""),
    ])
    func rejectsWithPosition(text: String, position: Int, reason: String) {
        #expect {
            try JSONPath(parsing: text)
        } throws: { error in
            guard let e = error as? JSONPathError else { return false }
            return e.position == position && e.reason.contains(reason) && e.description.contains("JSONPath")
        }
    }

    @Test func canonicalTextRoundTrips() throws {
        for text in ["$", "$.a.b", "$['a b'][3]", "$.x[0]['y.z']"] {
            let p = try JSONPath(parsing: text)
            #expect(try JSONPath(parsing: p.description) == p)
        }
    }

    @Test func readsAndWrites() throws {
        let doc: JSONValue = ["a": ["b": [1, 2, ["c": "deep"]]]]
        #expect(try JSONPath(parsing: "$.a.b[2].c").value(in: doc) == "deep")
        #expect(try JSONPath(parsing: "$.a.b[9]").value(in: doc) == nil)
        #expect(try JSONPath(parsing: "$.a.x").value(in: doc) == nil)
        let written = try JSONPath(parsing: "$.new.nested").setting("v", in: doc)
        #expect(written["new"]?["nested"] == "v")
        #expect(written["a"] == doc["a"])
    }
}
