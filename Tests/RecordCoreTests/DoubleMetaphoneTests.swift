import Testing

@testable import RecordCore

/// Double Metaphone against the examples published with the algorithm (Philips 2000) and in the
/// reference implementations' documentation.
@Suite struct DoubleMetaphoneTests {
    static let published: [(String, String, String)] = [
        ("Smith", "SM0", "XMT"), ("Schmidt", "XMT", "SMT"), ("Thomas", "TMS", "TMS"),
        ("Catherine", "K0RN", "KTRN"), ("Kathryn", "K0RN", "KTRN"), ("Jose", "HS", "HS"),
        ("Michael", "MKL", "MXL"), ("Edgar", "ATKR", "ATKR"), ("Xavier", "SF", "SFR"),
        ("Wasserman", "ASRM", "FSRM"), ("Arnow", "ARN", "ARNF"), ("Dumb", "TM", "TM"), ("Caesar", "SSR", "SSR"),
        ("Laugh", "LF", "LF"), ("Hugh", "H", "H"), ("Chemistry", "KMST", "KMST"), ("Zhao", "J", "J"),
        ("Czerny", "SRN", "XRN"), ("Filipowicz", "FLPT", "FLPF"), ("Knight", "NT", "NT"),
    ]

    @Test(arguments: published)
    func publishedExamples(word: String, primary: String, alternate: String) {
        let keys = DoubleMetaphone.keys(word)
        #expect(keys.primary == primary, "\(word)")
        #expect(keys.alternate == alternate, "\(word)")
    }

    @Test func soundAlikeNamesShareAKey() {
        func shared(_ a: String, _ b: String) -> Bool {
            let x = DoubleMetaphone.keys(a), y = DoubleMetaphone.keys(b)
            return !Set([x.primary, x.alternate]).isDisjoint(with: [y.primary, y.alternate])
        }
        #expect(shared("Smith", "Smyth") && shared("Smith", "Schmidt") && shared("Katherine", "Catherine"))
        #expect(shared("Stephen", "Steven") && shared("Jon", "John") && shared("Philips", "Phillips"))
        #expect(!shared("Smith", "Jones") && !shared("Anna", "Maria"))
    }
}

/// The nickname list: groups, names in several groups, joined tables, and whole-name keys.
@Suite struct NicknameTableTests {
    static let table = NicknameTable(
        text: """
            # formal name first
            robert, bob, bobby, rob
            albert, al, bert
            alan, al, allan
            katherine, kate, kathy
            """)

    @Test func nicknamesAreEquivalentToTheirFormalNamesAndEachOther() {
        let t = Self.table
        #expect(t.equivalent("Bob", "Robert") && t.equivalent("bobby", "ROB") && t.equivalent("Kate", "Katherine"))
        #expect(t.equivalent("Al", "Albert") && t.equivalent("Al", "Alan"))
        #expect(!t.equivalent("Albert", "Alan") && !t.equivalent("Bob", "Kate"))
        #expect(t.groupCount == 4)
    }

    @Test func wholeNamesShareAKeyAcrossNicknamesAndOrder() {
        let t = Self.table
        #expect(Set(t.keys(ofName: "Bob Turner")) == ["robert turner"])
        #expect(!Set(t.keys(ofName: "Turner, Robert")).isDisjoint(with: t.keys(ofName: "bob turner")))
        #expect(Set(t.keys(ofName: "Al Jones")) == ["albert jones", "alan jones"])
        #expect(t.keys(ofName: "Zed Smith") == ["smith zed"])
    }

    @Test func aUsersFileExtendsTheList() {
        let user = NicknameTable(text: "stephen, steve, stevo\n")
        let both = NicknameTable([Self.table, user])
        #expect(both.equivalent("Stevo", "Stephen") && both.equivalent("Bob", "Robert"))
        #expect(!Self.table.equivalent("Stevo", "Stephen"))
    }
}
