/// Makes untrusted text safe to show: controls, escapes and bidi overrides become visible placeholders.
public enum SafeText {
    /// Replaces C0/C1 controls and DEL with their Unicode control pictures or `\u{…}` forms, and bidi
    /// overrides/isolates with `<U+XXXX>`, so nothing reaches the terminal raw.
    public static func visible(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x00...0x1F:
                out.unicodeScalars.append(Unicode.Scalar(0x2400 + v)!)
            case 0x7F:
                out.append("\u{2421}")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                out.append("<U+\(String(v, radix: 16, uppercase: true))>")
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
