import Foundation
import RecordCore
import Testing

@Suite(.serialized) struct DupesCLITests {
    @Test func dupesFindsThePlantedPairsAndMergeThenUndoRoundTrips() throws {
        let s = try Sandbox()
        #expect(try s.run(["demo", "--db", s.db]).status == 0)
        // Email: the five planted case/whitespace variants.
        let email = try s.run(["dupes", "contacts", "--db", s.db, "--json"])
        #expect(email.status == 0, "\(email.err)")
        let groups = try #require(JSONValue.parse(email.out)["groups"]?.arrayValue)
        #expect(groups.count == 7)
        #expect(groups.allSatisfy { $0["reason"]?.stringValue == "same email after lowercasing" })
        // Fuzzy names with the same phone: the planted similar names are found with a readable reason.
        let fuzzy = try s.run(["dupes", "contacts", "--rule", "fuzzy-name+phone", "--db", s.db])
        #expect(fuzzy.out.contains("Katherine Olsen") && fuzzy.out.contains("Catherine Olsen"), "\(fuzzy.out)")
        #expect(fuzzy.out.contains("similar and same phone digits"))

        // A dry run writes nothing; the merge re-points D0B's two properties and one company.
        let dry = try s.run([
            "merge", "contacts", "D0A", "D0B", "--take", "email=D0B", "--dry-run", "--db", s.db, "--json",
        ])
        #expect(dry.status == 0, "\(dry.err)")
        #expect(try s.run(["get", "contacts", "D0B", "--db", s.db]).status == 0)
        let merged = try s.run(["merge", "contacts", "D0A", "D0B", "--take", "email=D0B", "--db", s.db, "--json"])
        #expect(merged.status == 0, "\(merged.err)")
        let out = try JSONValue.parse(merged.out)
        let mergeID = try #require(out["merge"]?.intValue)
        #expect(out["plan"]?["repointed_children"]?.arrayValue?.count == 2)
        #expect(out["plan"]?["repointed_associations"]?.arrayValue?.count == 1)
        let survivor = try JSONValue.parse(s.run(["get", "contacts", "D0A", "--db", s.db, "--json"]).out)
        #expect(survivor["data"]?["email"]?.stringValue == "jane.smith@example.com ")
        // The loser's contact_id was moved aside: D0B no longer names a record.
        #expect(try s.run(["get", "contacts", "D0B", "--db", s.db]).status == 1)

        // Undo brings D0B back, active, with its own values.
        let undo = try s.run(["undo", "--merge", String(mergeID), "--db", s.db])
        #expect(undo.status == 0, "\(undo.err)")
        let back = try JSONValue.parse(s.run(["get", "contacts", "D0B", "--db", s.db, "--json"]).out)
        #expect(back["archived"] == false && back["merged_into"] == nil)

        // Bad input: a rule that does not exist is a usage error; a take naming a stranger writes nothing.
        let badRule = try s.run(["dupes", "contacts", "--rule", "shoe-size", "--db", s.db])
        #expect(badRule.status == 2 && badRule.err.contains("unknown rule \"shoe-size\""))
        let badTake = try s.run(["merge", "contacts", "D0A", "D0B", "--take", "title=C00001", "--db", s.db])
        #expect(badTake.status == 1 && badTake.err.contains("is not one of the merged records"), "\(badTake.err)")
        #expect(try s.run(["get", "contacts", "D0B", "--db", s.db]).status == 0)
    }
}
