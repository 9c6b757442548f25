/// Given names that stand for one another ("Bob" = "Robert", "Kate" = "Katherine"). Read from text: one
/// group per line, names separated by commas, the formal name first; `#` starts a comment. A name may sit
/// in several groups ("Al": Albert, Alan, Alfred). recdeck ships a list (the `nicknames.txt` resource);
/// a user's file adds groups.
public final class NicknameTable: Sendable, Hashable, CustomStringConvertible {
    /// Lowercased name → the formal names of its groups.
    private let formal: [String: [String]]
    public let groupCount: Int

    public init(text: String) {
        var formal: [String: [String]] = [:]
        var groups = 0
        for line in text.split(whereSeparator: \.isNewline) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let names = content.split(separator: ",").map { NameSimilarity.tokens(of: String($0)).joined() }.filter {
                !$0.isEmpty
            }
            guard let head = names.first, names.count > 1 else { continue }
            groups += 1
            for n in names where !(formal[n]?.contains(head) ?? false) { formal[n, default: []].append(head) }
        }
        self.formal = formal
        groupCount = groups
    }

    /// Several tables as one (the shipped list, then the user's).
    public init(_ tables: [NicknameTable]) {
        var formal: [String: [String]] = [:]
        for t in tables {
            for (n, heads) in t.formal {
                for h in heads where !(formal[n]?.contains(h) ?? false) { formal[n, default: []].append(h) }
            }
        }
        self.formal = formal
        groupCount = tables.map(\.groupCount).reduce(0, +)
    }

    /// The formal names a token may stand for (itself when it is in no group).
    public func formalNames(of token: String) -> [String] { formal[token] ?? [token] }

    /// True when two given names stand for the same person's name.
    public func equivalent(_ a: String, _ b: String) -> Bool {
        let x = NameSimilarity.tokens(of: a).joined(), y = NameSimilarity.tokens(of: b).joined()
        return x == y || !Set(formalNames(of: x)).isDisjoint(with: formalNames(of: y))
    }

    /// Keys of a whole name: each token replaced by a formal name it stands for, sorted; one key per
    /// combination (at most 8), so "Bob Smith" and "Robert Smith" share "robert smith".
    public func keys(ofName name: String) -> [String] {
        var combos: [[String]] = [[]]
        for token in NameSimilarity.tokens(of: name) {
            combos = combos.flatMap { c in formalNames(of: token).map { c + [$0] } }
            if combos.count > 8 { combos = Array(combos.prefix(8)) }
        }
        var out: [String] = []
        for c in combos where !c.isEmpty {
            let key = c.sorted().joined(separator: " ")
            if !out.contains(key) { out.append(key) }
        }
        return out
    }

    public var description: String { "nicknames (\(groupCount) groups)" }
    public static func == (a: NicknameTable, b: NicknameTable) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// How a name is turned into keys for a duplicate condition.
public enum NameKeying: Hashable, Sendable {
    /// Double Metaphone codes of the name's tokens, sorted: one key of primaries, one of alternates.
    case phonetic
    /// The name with nicknames replaced by formal names.
    case nickname(NicknameTable)

    /// The keys of a name (none when it has no letters).
    public func keys(ofName name: String) -> [String] {
        switch self {
        case .phonetic:
            let codes = NameSimilarity.tokens(of: name).map(DoubleMetaphone.keys).filter { !$0.primary.isEmpty }
            guard !codes.isEmpty else { return [] }
            let primary = codes.map(\.primary).sorted().joined(separator: " ")
            let alternate = codes.map(\.alternate).sorted().joined(separator: " ")
            return primary == alternate ? [primary] : [primary, alternate]
        case .nickname(let table): return table.keys(ofName: name)
        }
    }
}
