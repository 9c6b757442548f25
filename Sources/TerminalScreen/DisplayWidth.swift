/// Display width of characters, owned here rather than taken from glibc `wcwidth` (DESIGN §1).
public enum DisplayWidth {
    /// Columns a character occupies: the sum of its scalars' widths (see `of(scalar:)`), since the
    /// screen gives each scalar that has a width its own cell.
    public static func of(_ ch: Character) -> Int {
        let scalars = ch.unicodeScalars
        if scalars.count == 1 { return of(scalar: scalars.first!) }
        return scalars.reduce(0) { $0 + of(scalar: $1) }
    }

    /// Columns one scalar occupies, as the C library's `wcwidth` (which ncurses and tmux follow) counts
    /// it: 0 for combining marks, format characters and variation selectors; 2 for East Asian wide and
    /// emoji-presentation characters (regional indicators excepted: 1); else 1. Text reaching the
    /// screen has been through `SafeText`, so controls are already placeholders.
    public static func of(scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B { return 0 }
        if (0x1F1E6...0x1F1FF).contains(v) { return 1 }
        if scalar.properties.isEmojiPresentation { return 2 }
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
