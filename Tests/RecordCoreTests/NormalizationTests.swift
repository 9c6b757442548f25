import RecordCore
import Testing

@Suite struct NormalizationTests {
    @Test(arguments: [
        (Normalization.exact, " Jane ", " Jane "),
        (.casefold, "  ÄCME Corp ", "äcme corp"),
        (.email, " Jane@Example.COM\t", "jane@example.com"),
        (.phone, "+1 (555) 010-2020", "+15550102020"),
        (.phone, "555.010.2020", "5550102020"),
        (.phone, " +44 20 7946 0958 ", "+442079460958"),
    ])
    func normalises(mode: Normalization, input: String, expected: String) {
        #expect(mode.apply(input) == expected)
    }

    @Test(arguments: [(Normalization.casefold, "   "), (.email, ""), (.phone, "n/a"), (.phone, "+")])
    func emptyResultsAreNoKey(mode: Normalization, input: String) {
        #expect(mode.apply(input) == nil)
    }

    @Test func multiValuedIdentifiersYieldOneKeyPerDistinctElement() throws {
        let id = Identifier(name: "emails", source: try IdentifierSource(parsing: "$.emails"), normalize: .email)
        #expect(id.keys(of: ["A@x.com", "a@x.com ", "b@x.com", ""]) == ["a@x.com", "b@x.com"])
        #expect(id.keys(of: 42) == ["42"])
        #expect(id.keys(of: nil).isEmpty)
    }
}
