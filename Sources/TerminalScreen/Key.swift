/// A key press, decoded by the backend from the terminal's input.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    /// F1, the help key that also works inside editors (where `?` is typed text).
    case f1
    /// The terminal changed size.
    case resize

    /// Keys from text, for tests and scripted input: `<up>`, `<esc>`, `<enter>`, `<c-s>` and plain characters.
    public static func sequence(_ text: String) -> [Key] {
        var keys: [Key] = []
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "<", let close = text[i...].firstIndex(of: ">"), close > text.index(after: i) {
                let name = String(text[text.index(after: i)..<close])
                if let k = named(name) { keys.append(k); i = text.index(after: close); continue }
            }
            keys.append(from(text[i]))
            i = text.index(after: i)
        }
        return keys
    }

    /// The key a typed character stands for (controls map to `ctrl`, enter, tab, escape, backspace).
    public static func from(_ ch: Character) -> Key {
        guard let v = ch.unicodeScalars.first?.value, ch.unicodeScalars.count == 1 else { return .char(ch) }
        switch v {
        case 0x0A, 0x0D: return .enter
        case 0x09: return .tab
        case 0x1B: return .escape
        case 0x7F, 0x08: return .backspace
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(v + 0x60)!))
        default: return .char(ch)
        }
    }

    private static func named(_ name: String) -> Key? {
        switch name.lowercased() {
        case "up": return .up
        case "down": return .down
        case "left": return .left
        case "right": return .right
        case "pgup": return .pageUp
        case "pgdn": return .pageDown
        case "home": return .home
        case "end": return .end
        case "enter", "cr": return .enter
        case "esc": return .escape
        case "bs": return .backspace
        case "del": return .delete
        case "tab": return .tab
        case "s-tab": return .backTab
        case "lt": return .char("<")
        case "resize": return .resize
        case "f1": return .f1
        default:
            let n = name.lowercased()
            if n.hasPrefix("c-"), n.count == 3, let c = n.last { return .ctrl(c) }
            return nil
        }
    }

    /// How help and the status bar name the key.
    public var description: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "ctrl-\(c)"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .home: return "home"
        case .end: return "end"
        case .enter: return "enter"
        case .escape: return "esc"
        case .backspace: return "backspace"
        case .delete: return "del"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .resize: return "resize"
        case .f1: return "F1"
        }
    }

    /// Whether the bytes read after ESC form one whole sequence (`true`), need more (`false`), or are no
    /// sequence at all (`nil`: esc, then an ordinary key). CSI (`[` … a final byte `@`–`~`) and SS3 (`O` and
    /// one byte) are read up to their end and no further, so keys that arrive together stay apart.
    public static func escapeSequenceIsComplete(_ rest: String) -> Bool? {
        let scalars = Array(rest.unicodeScalars)
        guard let first = scalars.first else { return false }
        switch first {
        case "[":
            guard scalars.count > 1 else { return false }
            if scalars[1] == "[" { return scalars.count >= 3 }  // the linux console's F1: ESC [ [ A
            return (0x40...0x7E).contains(scalars[scalars.count - 1].value)
        case "O": return scalars.count >= 2
        default: return nil
        }
    }

    /// The key an escape sequence stands for, from the bytes after ESC (`[1~`, `OH`, `[4~`…): the common
    /// xterm, tmux, rxvt and linux-console forms, so Home/End and friends work whatever `TERM` says
    /// (tmux sends `ESC [1~` for Home while an `xterm-256color` terminfo expects `ESC OH`).
    public static func escapeSequence(_ rest: String) -> Key? {
        switch rest {
        case "[A", "OA": return .up
        case "[B", "OB": return .down
        case "[C", "OC": return .right
        case "[D", "OD": return .left
        case "[H", "OH", "[1~", "[7~": return .home
        case "[F", "OF", "[4~", "[8~": return .end
        case "[5~": return .pageUp
        case "[6~": return .pageDown
        case "[3~": return .delete
        case "[Z": return .backTab
        case "OP", "[11~", "[[A": return .f1
        default: return nil
        }
    }
}
