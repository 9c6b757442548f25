import CNcursesW
import TerminalScreen

/// The ncurses terminal: the only code that talks to ncursesw. Every call runs on the main actor.
@MainActor
public final class CursesTerminal {
    private var started = false
    private var pairs: [Pair: Int16] = [:]
    private var themeName: String?
    private var hasColors = false

    private struct Pair: Hashable { var fg: Int; var bg: Int }

    public init() {}

    /// Sets the locale and enters curses mode (raw keys, no echo, keypad, short escape delay), sets up
    /// colours, and restores the terminal on fatal signals.
    public func start() {
        rd_setlocale()
        _ = initscr()
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = keypad(rd_stdscr(), true)
        _ = curs_set(0)
        _ = set_escdelay(25)
        if has_colors() {
            _ = start_color()
            _ = use_default_colors()
            hasColors = true
        }
        rd_install_signal_handlers()
        started = true
    }

    /// Leaves curses mode; safe to call more than once.
    public func stop() {
        if started { _ = endwin(); started = false }
    }

    /// Leaves curses mode for a child program (`$EDITOR`); `resume` comes back.
    public func suspend() { if started { _ = def_prog_mode(); _ = endwin() } }

    /// Returns to curses mode after `suspend`.
    public func resume() {
        guard started else { return }
        _ = reset_prog_mode()
        _ = clearok(rd_stdscr(), true)
        _ = refresh()
    }

    /// The terminal size in (columns, rows).
    public var size: (width: Int, height: Int) { (Int(rd_cols()), Int(rd_lines())) }

    /// The colours the terminal has (0 without colour support).
    public var colors: Int { hasColors ? Int(rd_colors()) : 0 }

    /// Draws a buffer in a theme: runs of cells with one style are written together, then refreshed.
    public func draw(_ buffer: ScreenBuffer, theme: Theme) {
        if themeName != theme.name { pairs = [:]; themeName = theme.name }
        _ = erase()
        for row in 0..<buffer.height {
            var col = 0
            while col < buffer.width {
                let style = buffer.cells[row * buffer.width + col].style
                var text = ""
                let start = col
                while col < buffer.width, buffer.cells[row * buffer.width + col].style == style {
                    let cell = buffer.cells[row * buffer.width + col]
                    if !cell.isContinuation { text += cell.text }
                    col += 1
                }
                let (attrs, pairNumber) = attributes(style, theme)
                // The colour pair goes in attr_set's second argument: COLOR_PAIR bits in the first are
                // ignored there (DESIGN §1), which once drew every theme uncoloured.
                _ = attr_set(attrs, pairNumber, nil)
                _ = mvaddstr(Int32(row), Int32(start), text)
            }
        }
        _ = attr_set(0, 0, nil)
        _ = refresh()
    }

    /// The attributes and the colour pair number a cell style is drawn with.
    private func attributes(_ style: CellStyle, _ theme: Theme) -> (attr_t, Int16) {
        let spec = theme.spec(style.role)
        var a: attr_t = rd_a_normal()
        if spec.bold || style.bold { a |= rd_a_bold() }
        if spec.dim || style.dim { a |= rd_a_dim() }
        if spec.reverse || style.reverse { a |= rd_a_reverse() }
        if spec.underline { a |= rd_a_underline() }
        var pairNumber: Int16 = 0
        if hasColors, colors >= 8 {
            let p = Pair(fg: spec.fg.resolved(colors: colors), bg: spec.bg.resolved(colors: colors))
            if p.fg >= 0 || p.bg >= 0 { pairNumber = pair(p) }
        }
        return (a, pairNumber)
    }

    private func pair(_ p: Pair) -> Int16 {
        if let n = pairs[p] { return n }
        let n = Int16(pairs.count + 1)
        guard Int32(n) < rd_color_pairs() else { return 0 }
        _ = init_pair(n, Int16(p.fg), Int16(p.bg))
        pairs[p] = n
        return n
    }

    /// Reads one key, waiting at most `timeoutMilliseconds`; nil when none arrived.
    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        timeout(timeoutMilliseconds)
        var ch: wint_t = 0
        let r = get_wch(&ch)
        if r == ERR { return nil }
        let code = Int32(ch)
        if r == KEY_CODE_YES {
            switch code {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            case KEY_BTAB: return .backTab
            case KEY_ENTER: return .enter
            case rd_key_resize(): return .resize
            case rd_key_f(1): return .f1
            default: return nil
            }
        }
        guard let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
        if scalar == "\u{1B}" {
            // An escape sequence the terminfo entry does not know arrives as ESC plus more bytes at once:
            // drop it whole rather than acting on ESC (back, cancel) and typing the rest.
            // Sequences terminfo does not name but terminals commonly send (Home/End under tmux) are decoded.
            // One sequence is read, to its end and no further: keys that arrived with it are read next.
            timeout(0)
            var next: wint_t = 0
            var rest = ""
            while rest.unicodeScalars.count < 16 {
                let r = get_wch(&next)
                if r == ERR { break }
                if r == KEY_CODE_YES {  // a key ncurses decoded itself: esc, then that key
                    _ = ungetch(Int32(next))
                    break
                }
                guard let s = Unicode.Scalar(UInt32(next)) else { break }
                rest.unicodeScalars.append(s)
                switch Key.escapeSequenceIsComplete(rest) {
                case true?: return Key.escapeSequence(rest)
                case false?: continue
                case nil:  // esc, then an ordinary key typed quickly: esc now, the key next
                    _ = unget_wch(wchar_t(s.value))
                    return .escape
                }
            }
            if !rest.isEmpty { return nil }  // an unfinished sequence: dropped
        }
        return Key.from(Character(scalar))
    }
}
