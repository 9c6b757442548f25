/// Display width of characters, owned here rather than taken from glibc `wcwidth` (DESIGN §1).
public enum DisplayWidth {
    /// Columns a character occupies: 0 for combining marks and joiners, 2 for East Asian wide and emoji.
    public static func of(_ ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        let v = first.value
        if v == 0x200D || v == 0x200B || (0x0300...0x036F).contains(v) || (0xFE00...0xFE0F).contains(v) { return 0 }
        if first.properties.isEmojiPresentation { return 2 }
        if ch.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Total display width of a string.
    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }
}
