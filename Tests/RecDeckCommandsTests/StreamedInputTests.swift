import Foundation
import RecordCore
import Testing

/// Issue 17: a JSON array file is read element by element (never whole), and a request body from a file
/// or stdin is refused past 1 MiB without being read whole.
@Suite(.serialized) struct StreamedInputTests {
    func sandbox() throws -> Sandbox {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        return s
    }

    @Test func aJSONArrayIsImportedElementByElement() throws {
        let s = try sandbox()
        // Brackets, braces and commas inside strings do not cut elements; nor do nested arrays.
        let file = try s.write(
            "people.json",
            """
            [ {"email": "a@x.io", "note": "], [ } {"},
              {"email": "b@x.io", "tags": [1, [2, 3], {"k": "v,"}]},
              {"email": "c@x.io", "quote": "say \\"hi\\", ok"} ]

            """)
        let r = try s.run(["import", "contacts", file, "--key", "$.email", "--db", s.db])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("imported 3 items"), "\(r.out)")
        let b = try JSONValue.parse(s.run(["get", "contacts", "b@x.io", "--db", s.db, "--json"]).out)
        #expect(b["data"]?["tags"] == [1, [2, 3], ["k": "v,"]])
    }

    @Test(arguments: [
        (#"[{"email":"a@x.io"},]"#, "item 2: invalid: body: a trailing comma before ']'", 1),
        (#"[{"email":"a@x.io"},,{"email":"b@x.io"}]"#, "item 2: invalid: body: an empty item between two commas", 2),
        (#"[{"email":"a@x.io"}, {"email":"b@x.io""#, "after item 1: invalid: body: the file ends inside the array", 1),
        (#"[{"email":"a@x.io"}] trailing"#, "after item 1: invalid: body: unexpected content after the array", 1),
        (
            #"[{"email":"a@x.io"}, {"email": }]"#,
            "item 2: invalid: body: malformed JSON: unexpected '}', expected a value", 1
        ),
    ])
    func aBrokenArrayNamesWhereAndKeepsTheGoodItems(text: String, error: String, imported: Int) throws {
        let s = try sandbox()
        let file = try s.write("bad.json", text)
        let r = try s.run(["import", "contacts", file, "--key", "$.email", "--db", s.db])
        #expect(r.status == 1)
        #expect(r.err.contains(error), "\(r.err)")
        let listed = try s.run(["list", "contacts", "--db", s.db, "--jsonl"]).out.split(separator: "\n")
        #expect(listed.count == imported)
    }

    @Test func aBodyOverTheLimitIsRefusedFromAFileOrStdin() throws {
        let s = try sandbox()
        let big =
            #"{"lookup":{"identifier":"email"},"data":{"email":"a@x.io","note":""#
            + String(repeating: "y", count: Limits.maxBodyBytes) + #""}}"#
        let file = try s.write("big.json", big)
        for r in [
            try s.run(["upsert", "contacts", file, "--db", s.db]),
            try s.run(["upsert", "contacts", "-", "--db", s.db], stdin: big),
        ] {
            #expect(r.status != 0)
            #expect((r.out + r.err).contains("request body is over the 1 MiB limit"), "\(r.out) \(r.err)")
        }
        #expect(try s.run(["list", "contacts", "--db", s.db, "--jsonl"]).out.isEmpty)
    }
}
