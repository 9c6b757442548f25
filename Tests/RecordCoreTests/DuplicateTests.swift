import Foundation
import Testing

@testable import RecordCore

@Suite struct DuplicateRuleTests {
    static let contacts = try! ObjectType(json: [
        "key": "contacts", "kind": "contact",
        "fields": [
            ["key": "mail", "type": "email"], ["key": "tel", "type": "phone"], ["key": "emails", "type": "array"],
        ],
    ])

    @Test func namedRulesReadTheTypesFields() throws {
        let email = try DuplicateRule.parse("email", for: Self.contacts)
        #expect(
            email.conditions == [
                .key(DuplicateKey(label: "email", source: .data(JSONPath(segments: [.key("mail")])), normalize: .email))
            ])
        let combo = try DuplicateRule.parse("fuzzy-name:0.85+phone", for: Self.contacts)
        #expect(
            combo.conditions == [
                .similarName(threshold: 0.85),
                .key(DuplicateKey(label: "phone", source: .data(JSONPath(segments: [.key("tel")])), normalize: .phone)),
            ])
        let path = try DuplicateRule.parse("$.emails:email", for: Self.contacts)
        #expect(
            path.conditions == [
                .key(
                    DuplicateKey(
                        label: "$.emails", source: .data(JSONPath(segments: [.key("emails")])), normalize: .email))
            ])
    }

    @Test(arguments: [
        ("fuzzy-name:2", "threshold"), ("soundex", "unknown rule"), ("email+", "empty rule"), ("$.a[", "bad JSONPath"),
        ("$", "inside data"),
    ])
    func badRulesSayWhatIsWrong(text: String, expected: String) {
        let message = Result { () throws(DuplicateRuleError) in try DuplicateRule.parse(text, for: Self.contacts) }
            .failureMessage
        #expect(message?.contains(expected) == true, "\(message ?? "no error")")
    }
}

extension Result where Failure == DuplicateRuleError {
    var failureMessage: String? { if case .failure(let e) = self { return e.message } else { return nil } }
}

@Suite struct NameSimilarityTests {
    @Test func tokensAreSortedCasefoldedAndAccentFree() {
        #expect(NameSimilarity.normalized("Smith, JOHN") == "john smith")
        #expect(NameSimilarity.normalized("Zoë  Müller-Lüdenscheidt") == "ludenscheidt muller zoe")
    }

    @Test(arguments: [("MARTHA", "MARHTA", 0.961), ("DWAYNE", "DUANE", 0.84), ("DIXON", "DICKSONX", 0.813)])
    func jaroWinklerMatchesTheTextbookValues(a: String, b: String, expected: Double) {
        let s = NameSimilarity.jaroWinkler(Array(a.unicodeScalars.map(\.value)), Array(b.unicodeScalars.map(\.value)))
        #expect(abs(s - expected) < 0.001, "\(a)/\(b): \(s)")
    }

    @Test func similarNamesShareABlockingKey() {
        for (a, b) in [
            ("Jon Smyth", "John Smith"), ("Katherine Olsen", "Catherine Olsen"), ("Sofia Rossi", "Sophia Rossi"),
        ] {
            let ka = Set(NameSimilarity.blockingKeys(tokens: NameSimilarity.tokens(of: a)))
            let kb = Set(NameSimilarity.blockingKeys(tokens: NameSimilarity.tokens(of: b)))
            #expect(!ka.isDisjoint(with: kb), "\(a) / \(b)")
            #expect(NameSimilarity.similarity(a, b) >= 0.9, "\(a) / \(b)")
        }
        #expect(NameSimilarity.similarity("Jane Smith", "Wei Chen") < 0.6)
    }
}

@Suite struct DuplicateScanTests {
    static let type = DuplicateRuleTests.contacts

    /// Scans records given as (id, name, mail, tel).
    func scan(_ rules: [String], _ records: [(String, String?, JSONValue?, JSONValue?)]) throws -> [DuplicateGroup] {
        let parsed = try rules.map { text throws(DuplicateRuleError) in try DuplicateRule.parse(text, for: Self.type) }
        var scan = DuplicateScan(rules: parsed)
        for (id, name, mail, tel) in records {
            let values: [JSONValue?] = scan.keys.map { key in
                key.label == "email" || key.label == "$.emails" ? mail : key.label == "phone" ? tel : nil
            }
            scan.add(id: id, name: name, values: values)
        }
        return try #require(scan.groups()).groups
    }

    @Test func emailGroupsAfterLowercasingWithAReasonPerPair() throws {
        let groups = try scan(
            ["email"],
            [
                ("a", "A", "Jane@X.com", nil), ("b", "B", "bob@x.com", nil), ("c", "C", " jane@x.com", nil),
                ("d", "D", "JANE@x.COM", nil), ("e", "E", nil, nil),
            ])
        #expect(groups.count == 1)
        let g = try #require(groups.first)
        #expect(g.recordIDs == ["a", "c", "d"])
        #expect(g.score == 1)
        #expect(g.pairs.map(\.reason) == ["same email after lowercasing", "same email after lowercasing"])
        #expect(g.pairs.map(\.second) == ["c", "d"])
    }

    @Test func multiValuedKeysLinkRecordsSharingAnyValue() throws {
        let groups = try scan(
            ["$.emails:email"],
            [("a", nil, ["x@a.com", "y@a.com"], nil), ("b", nil, ["Y@A.com"], nil), ("c", nil, ["z@a.com"], nil)])
        #expect(groups.map(\.recordIDs) == [["a", "b"]])
    }

    @Test func fuzzyNamesGroupSimilarNamesAndScoreBySimilarity() throws {
        let groups = try scan(
            ["fuzzy-name"],
            [
                ("1", "Jon Smyth", nil, nil), ("2", "Wei Chen", nil, nil), ("3", "John Smith", nil, nil),
                ("4", "chen, wei", nil, nil), ("5", "Aisha Okafor", nil, nil),
            ])
        #expect(groups.map(\.recordIDs) == [["2", "4"], ["1", "3"]])
        #expect(groups[0].score == 1 && groups[0].reason == "same name ignoring case and accents")
        #expect(groups[1].score > 0.9 && groups[1].score < 1)
        #expect(groups[1].reason.hasPrefix("names 0.9") && groups[1].reason.hasSuffix("similar"))
    }

    @Test func aCombinedRuleNeedsEveryConditionAndItsReasonSaysSo() throws {
        let records: [(String, String?, JSONValue?, JSONValue?)] = [
            ("1", "Katherine Olsen", nil, "+1 555 0101"), ("2", "Catherine Olsen", nil, "+1 (555) 0101"),
            ("3", "Sofia Rossi", nil, "+1 555 0102"), ("4", "Sophia Rossi", nil, "+1 555 9999"),
        ]
        let groups = try scan(["fuzzy-name+phone"], records)
        #expect(groups.map(\.recordIDs) == [["1", "2"]])
        #expect(groups.first?.reason.hasSuffix("similar and same phone digits") == true)
        // As alternatives, either rule finds a pair; the reasons list what holds.
        let either = try scan(["fuzzy-name", "phone"], records)
        #expect(either.map(\.recordIDs) == [["1", "2"], ["3", "4"]])
        #expect(either[0].pairs[0].reasons.count == 2)
    }

    @Test func cancellingStopsTheScan() throws {
        var scan = DuplicateScan(rules: [try DuplicateRule.parse("fuzzy-name", for: Self.type)])
        for i in 0..<3000 { scan.add(id: "\(i)", name: "Jane Smith\(i % 50)", values: []) }
        #expect(scan.groups(shouldContinue: { _ in false }) == nil)
    }
}

@Suite struct DuplicateChainTests {
    @Test func similarNamesDoNotChainIntoOneGroup() throws {
        // Each name is similar to the next, but the ends are not similar to each other.
        let names = [
            "Maria Kalomirenta", "Maria Kalomirento", "Maria Kalomirbnto", "Maria Kalomxrbnto", "Maria Kalxmxrbnto",
            "Maria Kxlxmxrbnto",
        ]
        let type = DuplicateRuleTests.contacts
        var scan = DuplicateScan(rules: [try DuplicateRule.parse("fuzzy-name:0.96", for: type)])
        for (i, n) in names.enumerated() { scan.add(id: "\(i)", name: n, values: []) }
        let groups = try #require(scan.groups()).groups
        let similarToFirst = names.map { NameSimilarity.similarity(names[0], $0) >= 0.96 }
        #expect(similarToFirst.contains(false))
        // Every group's members are similar to its first member.
        for g in groups {
            let first = names[Int(g.recordIDs[0])!]
            #expect(
                g.recordIDs.allSatisfy { NameSimilarity.similarity(first, names[Int($0)!]) >= 0.96 }, "\(g.recordIDs)")
        }
        #expect(!groups.contains { $0.recordIDs.count == names.count })
    }
}
