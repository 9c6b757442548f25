/// Makes untrusted text safe to show: controls, escapes, bidi overrides and invisible characters
/// become visible placeholders, and what is left has one width in every terminal.
public enum SafeText {
    /// Combining marks kept on one base character; more (a "Zalgo" stack) are dropped.
    public static let maxCombiningMarks = 2

    /// Replaces C0/C1 controls and DEL with their Unicode control pictures or `<U+…>` forms; bidi
    /// overrides and isolates, zero-width joiners and spaces, and other invisible format characters
    /// (tags, word joiner, BOM) with `<U+XXXX>`, so nothing reaches the terminal raw and nothing hides.
    /// Variation selectors are dropped (terminals disagree on the width they give), and combining marks
    /// beyond `maxCombiningMarks` on one character are dropped.
    public static func visible(_ text: String) -> String {
        // Fast path: printable ASCII needs nothing.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var marks = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x00...0x1F:
                out.unicodeScalars.append(Unicode.Scalar(0x2400 + v)!)
                marks = 0
            case 0x7F:
                out.append("\u{2421}")
                marks = 0
            case 0x80...0x9F:
                out.append(placeholder(v))
                marks = 0
            case 0xFE00...0xFE0F, 0xE0100...0xE01EF:
                continue
            default:
                switch scalar.properties.generalCategory {
                case .format, .lineSeparator, .paragraphSeparator, .surrogate:
                    out.append(placeholder(v))
                    marks = 0
                case .nonspacingMark, .enclosingMark:
                    marks += 1
                    if marks <= maxCombiningMarks { out.unicodeScalars.append(scalar) }
                default:
                    if v == 0x200B { out.append(placeholder(v)) } else { out.unicodeScalars.append(scalar) }
                    marks = 0
                }
            }
        }
        return out
    }

    private static func placeholder(_ v: UInt32) -> String { "<U+\(String(v, radix: 16, uppercase: true))>" }
}
