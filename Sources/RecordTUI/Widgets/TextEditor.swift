import TerminalScreen

/// A multi-line text editor: cursor movement, insert and delete, undo, scrolling. Used for record JSON
/// and upsert requests.
public struct TextEditor {
    public private(set) var lines: [[Character]]
    public private(set) var row = 0
    public private(set) var column = 0
    private var top = 0
    private var left = 0
    private var undoStack: [(lines: [[Character]], row: Int, column: Int)] = []
    /// True while consecutive typed characters coalesce into one undo step.
    private var typing = false

    public init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        if lines.isEmpty { lines = [[]] }
    }

    public var text: String { lines.map { String($0) }.joined(separator: "\n") }

    /// Replaces the whole text (undoable).
    public mutating func setText(_ text: String) {
        snapshot()
        self = TextEditor(text: text, keeping: undoStack)
    }

    private init(text: String, keeping undo: [(lines: [[Character]], row: Int, column: Int)]) {
        self.init(text: text)
        undoStack = undo
    }

    /// Handles an editing key; returns true when the text changed. Keys it does not know return false.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        let wasTyping = typing
        typing = false
        switch key {
        case .char(let c):
            if !wasTyping || c == " " { snapshot() }
            typing = true
            lines[row].insert(c, at: column); column += 1
            return true
        case .tab:
            snapshot(); lines[row].insert(contentsOf: "  ", at: column); column += 2; return true
        case .enter:
            snapshot()
            let indent = lines[row].prefix { $0 == " " }
            let rest = Array(lines[row][column...])
            lines[row].removeSubrange(column...)
            lines.insert(Array(indent) + rest, at: row + 1)
            row += 1; column = indent.count
            return true
        case .backspace:
            if column > 0 { snapshot(); lines[row].remove(at: column - 1); column -= 1; return true }
            if row > 0 {
                snapshot()
                column = lines[row - 1].count
                lines[row - 1] += lines[row]; lines.remove(at: row); row -= 1
                return true
            }
            return false
        case .delete, .ctrl("d"):
            if column < lines[row].count { snapshot(); lines[row].remove(at: column); return true }
            if row + 1 < lines.count {
                snapshot(); lines[row] += lines[row + 1]; lines.remove(at: row + 1); return true
            }
            return false
        case .ctrl("k"):
            snapshot()
            if column < lines[row].count {
                lines[row].removeSubrange(column...)
            } else if row + 1 < lines.count {
                lines[row] += lines.remove(at: row + 1)
            }
            return true
        case .ctrl("z"), .ctrl("u"):
            return undo()
        case .left:
            if column > 0 { column -= 1 } else if row > 0 { row -= 1; column = lines[row].count }
        case .right:
            if column < lines[row].count { column += 1 } else if row + 1 < lines.count { row += 1; column = 0 }
        case .up: if row > 0 { row -= 1; column = min(column, lines[row].count) }
        case .down: if row + 1 < lines.count { row += 1; column = min(column, lines[row].count) }
        case .home, .ctrl("a"): column = 0
        case .end, .ctrl("e"): column = lines[row].count
        case .pageUp: row = max(0, row - 10); column = min(column, lines[row].count)
        case .pageDown: row = min(lines.count - 1, row + 10); column = min(column, lines[row].count)
        default: break
        }
        return false
    }

    private mutating func snapshot() {
        undoStack.append((lines, row, column))
        if undoStack.count > 500 { undoStack.removeFirst(undoStack.count - 500) }
    }

    /// Restores the state before the last edit; false when there is nothing to undo.
    @discardableResult
    public mutating func undo() -> Bool {
        guard let last = undoStack.popLast() else { return false }
        lines = last.lines; row = last.row; column = last.column
        return true
    }

    public var canUndo: Bool { !undoStack.isEmpty }

    /// Draws the text with line numbers in `rect`, the cursor as a reversed cell; `errorLine` (1-based) is marked.
    public mutating func render(
        into buffer: inout ScreenBuffer, _ rect: Rect, focused: Bool = true, errorLine: Int? = nil
    ) {
        guard rect.height > 0, rect.width > 6 else { return }
        let gutter = max(3, String(lines.count).count) + 1
        let textWidth = rect.width - gutter - 1
        top = Table.scroll(offset: top, selected: row, visible: rect.height)
        let cursorX = DisplayWidth.of(String(SafeText.visible(String(lines[row][..<column]))))
        if cursorX < left { left = cursorX } else if cursorX >= left + textWidth { left = cursorX - textWidth + 1 }
        for i in 0..<rect.height {
            let n = top + i
            guard n < lines.count else { break }
            let r = rect.row + i
            let isError = errorLine == n + 1
            buffer.put(
                TextLayout.pad(String(n + 1), gutter - 1, right: true), row: r, column: rect.column,
                style: CellStyle(isError ? .error : .dim, bold: isError))
            buffer.put(
                isError ? "!" : " ", row: r, column: rect.column + gutter - 1, style: CellStyle(.error, bold: true))
            // Skip `left` columns, then draw what fits.
            var x = 0, col = rect.column + gutter
            let visibleLine = Array(SafeText.visible(String(lines[n])))
            for ch in visibleLine {
                let w = DisplayWidth.of(ch)
                if x >= left {
                    if col + w > rect.column + gutter + textWidth { break }
                    buffer.put(String(ch), row: r, column: col)
                    col += w
                }
                x += w
            }
            if focused, n == row {
                let cx = rect.column + gutter + cursorX - left
                let under = column < lines[row].count ? SafeText.visible(String(lines[row][column])) : " "
                buffer.put(under, row: r, column: cx, style: CellStyle(.cursor))
            }
        }
    }
}
