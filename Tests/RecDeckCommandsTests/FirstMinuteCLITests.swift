import Foundation
import Testing
import RecordCore
@testable import RecDeckCommands

/// Issue 14's CLI defects and features: tables in a pipe, Kizen's oldest on the demo, export.
@Suite(.serialized) struct FirstMinuteCLITests {
    @Test func tablesAreNotCutInAPipe() throws {
        let s = try Sandbox()
        #expect(try s.run(["type", "apply", "--db", s.db, "-"], stdin: contactsSchema).status == 0)
        let long = "a-very-long-address-that-goes-on-and-on-and-on-for-sixty-chars@x.example"
        #expect(try s.run(["upsert", "--db", s.db, "contacts", #"{"lookup":{"identifier":"email"},"data":{"email":"\#(long)"}}"#]).status == 0)
        let listed = try s.run(["list", "--db", s.db, "contacts"])
        #expect(listed.out.contains(long), "\(listed.out)")
        #expect(!listed.out.contains("…"))
    }

    @Test func kizenOnTheDemoPicksTheOldestOfTheTwoPlantedContacts() throws {
        let s = try Sandbox()
        let demo = try JSONValue.parse(try s.run(["demo", "--db", s.db, "--json"]).out)
        let examples = try #require(demo["examples"]?.stringValue)
        let r = try s.run(["plan", "--db", s.db, "--json", "--dialect", "kizen", "contacts", examples + "/kizen-contact.json"])
        let plan = try #require(try JSONValue.parse(r.out)["plan"])
        let got = try s.run(["get", "--db", s.db, "--json", "contacts", try #require(plan["match"]?["id"]?.stringValue)])
        #expect(try JSONValue.parse(got.out)["data"]?["contact_id"] == "D0A", "\(got.out)")
    }
}
