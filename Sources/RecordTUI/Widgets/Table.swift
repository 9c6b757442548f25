import TerminalScreen

/// A column of a table: header, width (0: takes the rest), right-aligned or not.
public struct Column {
    public var header: String
    public var width: Int
    public var right: Bool
    public init(_ header: String, _ width: Int, right: Bool = false) {
        self.header = header; self.width = width; self.right = right
    }
}

/// Draws a header row and data rows; the selected row is reversed and marked `>` in its first column.
public enum Table {
    /// Fits column widths into `width`: fixed ones as given (shrunk from the last when too wide), 0 takes the rest.
    public static func widths(_ columns: [Column], width: Int) -> [Int] {
        let gaps = columns.count
        var ws = columns.map(\.width)
        let fixed = ws.reduce(0, +)
        let flexible = ws.indices.filter { ws[$0] == 0 }
        let rest = width - fixed - gaps
        if !flexible.isEmpty {
            let each = max(4, rest / flexible.count)
            for i in flexible { ws[i] = each }
        }
        var over = ws.reduce(0, +) + gaps - width
        var i = ws.count - 1
        while over > 0, i >= 0 {
            let cut = min(over, max(0, ws[i] - 3))
            ws[i] -= cut; over -= cut; i -= 1
        }
        return ws
    }

    /// Draws a table into `area`; `rows[i][j]` is the text of row i, column j; `style(i)` each row's role.
    public static func draw(
        into buffer: inout ScreenBuffer, area: Rect, columns: [Column], rows: [[String]], selected: Int?,
        offset: Int, style: (Int) -> CellStyle = { _ in CellStyle() }
    ) {
        guard area.height > 0 else { return }
        let ws = widths(columns, width: area.width - 1)
        var col = area.column + 1
        for (c, w) in zip(columns, ws) {
            buffer.put(
                TextLayout.pad(c.header, w, right: c.right), row: area.row, column: col,
                style: CellStyle(.header, bold: true))
            col += w + 1
        }
        for (n, i) in (offset..<min(rows.count, offset + area.height - 1)).enumerated() {
            let r = area.row + 1 + n
            var s = style(i)
            if i == selected { s = CellStyle(.selected, bold: s.bold) }
            buffer.fill(row: r, column: area.column, width: area.width, style: i == selected ? s : CellStyle())
            buffer.put(i == selected ? ">" : " ", row: r, column: area.column, style: s)
            col = area.column + 1
            for (j, w) in ws.enumerated() {
                buffer.put(
                    TextLayout.pad(j < rows[i].count ? rows[i][j] : "", w, right: columns[j].right), row: r,
                    column: col, style: s)
                col += w + 1
            }
        }
    }

    /// The first visible row so that `selected` stays on a screen of `visible` rows.
    public static func scroll(offset: Int, selected: Int, visible: Int) -> Int {
        guard visible > 0 else { return 0 }
        if selected < offset { return selected }
        if selected >= offset + visible { return selected - visible + 1 }
        return offset
    }
}
