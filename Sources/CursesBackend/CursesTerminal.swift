import CNcursesW
import TerminalScreen

/// The ncurses terminal: the only code that talks to ncursesw. Every call runs on the main actor.
@MainActor
public final class CursesTerminal {
    private var started = false

    public init() {}

    /// Sets the locale and enters curses mode (raw keys, no echo, keypad, timed reads).
    public func start() {
        rd_setlocale()
        _ = initscr()
        _ = raw()
        _ = noecho()
        _ = keypad(rd_stdscr(), true)
        _ = curs_set(0)
        started = true
    }

    /// Leaves curses mode; safe to call more than once.
    public func stop() {
        if started { _ = endwin(); started = false }
    }

    /// The terminal size in (columns, rows).
    public var size: (width: Int, height: Int) { (Int(rd_cols()), Int(rd_lines())) }

    /// Draws a buffer, cell by cell, then refreshes.
    public func draw(_ buffer: ScreenBuffer) {
        for row in 0..<buffer.height {
            for col in 0..<buffer.width {
                let cell = buffer.cells[row * buffer.width + col]
                if cell.isContinuation { continue }
                var attrs: attr_t = 0
                if cell.style.bold { attrs |= rd_a_bold() }
                if cell.style.dim { attrs |= rd_a_dim() }
                if cell.style.reverse { attrs |= rd_a_reverse() }
                _ = attr_set(attrs, 0, nil)
                _ = mvaddstr(Int32(row), Int32(col), cell.text)
            }
        }
        _ = attr_set(0, 0, nil)
        _ = refresh()
    }

    /// Reads one key, waiting at most `timeoutMilliseconds`; nil when none arrived.
    public func readKey(timeoutMilliseconds: Int32) -> UInt32? {
        timeout(timeoutMilliseconds)
        var ch: wint_t = 0
        let r = get_wch(&ch)
        return r == ERR ? nil : UInt32(ch)
    }
}
