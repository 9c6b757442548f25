import Foundation

/// How identifier values are normalised before comparison (DESIGN §2).
public enum Normalization: String, Sendable, CaseIterable {
    case exact, casefold, email, phone

    /// The normalised key for a string, or nil when nothing is left (empty, or a phone without digits).
    public func apply(_ raw: String) -> String? {
        let out: String
        switch self {
        case .exact:
            out = raw
        case .casefold, .email:
            // Fast path: plain ASCII with no capitals and nothing to trim is already normalised.
            var raw = raw
            let plain = raw.withUTF8 { bytes in
                guard let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20 else { return false }
                return !bytes.contains(where: { $0 >= 0x80 || (0x41...0x5A).contains($0) })
            }
            if plain {
                out = raw
            } else {
                out = raw.trimmed.lowercased()
            }
        case .phone:
            let trimmed = raw.trimmed
            var digits = trimmed.hasPrefix("+") ? "+" : ""
            digits.unicodeScalars.append(contentsOf: trimmed.unicodeScalars.filter { ("0"..."9").contains($0) })
            out = digits == "+" ? "" : digits
        }
        return out.isEmpty ? nil : out
    }

    /// True when keys keep ASCII capitals (`exact`); the others lowercase them or hold no letters, so their
    /// keys sort the same with or without ASCII case folding.
    public var keepsCase: Bool { self == .exact }

    /// True when both normalisations give the same keys (casefold and email both trim and lowercase).
    public func comparesLike(_ other: Normalization) -> Bool {
        self == other || (Set([self, other]) == [.casefold, .email])
    }

    /// The normalised key for a scalar JSON value: strings as above, numbers and booleans by their text.
    public func apply(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): return apply(s)
        case .int, .double, .bool: return apply(value.jsonText)
        default: return nil
        }
    }
}
