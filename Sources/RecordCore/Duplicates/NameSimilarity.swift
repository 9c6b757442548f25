import Foundation

/// Fuzzy name comparison: names are casefolded, stripped of accents and punctuation, split into
/// tokens and sorted ("Smith, John" = "john smith"), then compared by Jaro–Winkler.
public enum NameSimilarity {
    /// The comparable form of a name: sorted lowercase tokens without accents, joined by one space.
    public static func normalized(_ name: String) -> String {
        tokens(of: name).joined(separator: " ")
    }

    /// Sorted tokens of a name (letters and digits only, casefolded, accent-free).
    public static func tokens(of name: String) -> [String] {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for s in folded.unicodeScalars {
            if s.properties.isAlphabetic || s.properties.numericType != nil {
                current.append(s)
            } else if !current.isEmpty {
                tokens.append(String(current)); current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens.sorted()
    }

    /// Similarity of two names in 0...1 (1 when their normalised forms are equal).
    public static func similarity(_ a: String, _ b: String) -> Double {
        jaroWinkler(Array(normalized(a).unicodeScalars.map(\.value)), Array(normalized(b).unicodeScalars.map(\.value)))
    }

    /// Jaro–Winkler similarity of two scalar sequences (prefix scale 0.1, prefix up to 4).
    public static func jaroWinkler(_ a: [UInt32], _ b: [UInt32]) -> Double {
        if a == b { return a.isEmpty ? 0 : 1 }
        if a.isEmpty || b.isEmpty { return 0 }
        let (s, t) = a.count <= b.count ? (a, b) : (b, a)
        let window = max(0, t.count / 2 - 1)
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: s.count + t.count) { flags -> Double in
            flags.initialize(repeating: false)
            var matches = 0
            for i in 0..<s.count {
                let lo = max(0, i - window), hi = min(t.count - 1, i + window)
                if lo > hi { continue }
                for j in lo...hi where !flags[s.count + j] && s[i] == t[j] {
                    flags[i] = true; flags[s.count + j] = true; matches += 1
                    break
                }
            }
            guard matches > 0 else { return 0 }
            var transpositions = 0, k = 0
            for i in 0..<s.count where flags[i] {
                while !flags[s.count + k] { k += 1 }
                if s[i] != t[k] { transpositions += 1 }
                k += 1
            }
            let m = Double(matches)
            let jaro = (m / Double(s.count) + m / Double(t.count) + (m - Double(transpositions / 2)) / m) / 3
            var prefix = 0
            while prefix < min(4, s.count), s[prefix] == t[prefix] { prefix += 1 }
            return jaro + Double(prefix) * 0.1 * (1 - jaro)
        }
    }

    /// Blocking keys: two names are only compared when they share one. Each token gives its first two
    /// letters with the first letter of every other token ("jo|s" for "john smith": catches typos inside
    /// tokens), and its full text with the last two letters of every other token ("olsen#ne": catches a
    /// different first letter in the other token, Katherine/Catherine). Single-token names give their
    /// first two letters.
    public static func blockingKeys(tokens: [String]) -> [String] {
        let tokens = Array(tokens.prefix(4))
        guard tokens.count > 1 else { return tokens.first.map { ["\($0.prefix(2))|"] } ?? [] }
        var keys = Set<String>()
        for (i, t) in tokens.enumerated() {
            let others = tokens.enumerated().filter { $0.offset != i }.map(\.element)
            keys.insert("\(t.prefix(2))|" + others.map { String($0.prefix(1)) }.joined(separator: ","))
            keys.insert("\(t)#" + others.map { String($0.suffix(2)) }.joined(separator: ","))
        }
        return keys.sorted()
    }
}
