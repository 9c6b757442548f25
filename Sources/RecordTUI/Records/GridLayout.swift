import RecordCore
import TerminalScreen

/// Where the Records grid's columns go on screen: widths fitted to the values on screen (each capped),
/// the name column frozen at the left, the others scrolled so the column cursor is always in view.
struct GridLayout {
    /// A column placed on screen.
    struct Placed: Equatable {
        var index: Int
        var x: Int
        var width: Int
        var rightAligned: Bool
    }

    /// The first two screen columns hold the row cursor (`>`) and the mark (`*`).
    static let gutter = 2
    /// No column is wider than this, however long its values.
    static let maxColumnWidth = 40

    var placed: [Placed]
    /// The first scrolled (non-frozen) column shown.
    var first: Int
    /// True when columns are hidden to the left / right of the shown ones.
    var hiddenLeft: Bool
    var hiddenRight: Bool

    /// Lays out `columns` for `cells` (each row's texts, in column order) in `width` screen columns.
    static func make(headers: [String], cells: [[String]], numeric: [Bool], width: Int, cursor: Int, first: Int)
        -> GridLayout
    {
        let n = headers.count
        guard n > 0 else { return GridLayout(placed: [], first: 0, hiddenLeft: false, hiddenRight: false) }
        var fitted = headers.map { max(1, DisplayWidth.of($0)) }
        for row in cells {
            for (i, c) in row.enumerated() where i < n {
                fitted[i] = max(fitted[i], DisplayWidth.of(SafeText.visible(c)))
            }
        }
        fitted = fitted.map { min($0, maxColumnWidth) }
        var placed: [Placed] = []
        var x = gutter
        // The frozen name column: at most a third of the screen, so data columns stay in view.
        let nameWidth = min(fitted[0], max(12, (width - gutter) / 3))
        placed.append(Placed(index: 0, x: x, width: nameWidth, rightAligned: false))
        x += nameWidth + 1
        let room = width - x
        // On the name column the grid scrolls fully left.
        var first = cursor == 0 ? 1 : max(1, min(first, n - 1))
        if cursor >= 1 {
            if cursor < first { first = cursor }
            // Scroll right until the cursor's column fits.
            while first < cursor, (first...cursor).reduce(0, { $0 + fitted[$1] + 1 }) > room { first += 1 }
        }
        var i = first
        while i < n, x < width {
            let left = width - x
            if fitted[i] <= left {
                placed.append(Placed(index: i, x: x, width: fitted[i], rightAligned: numeric[i]))
                x += fitted[i] + 1
            } else {
                // A column that does not fit is cut (with `…`) when enough of it shows to be read.
                if left >= 5 || i == cursor { placed.append(Placed(index: i, x: x, width: left, rightAligned: false)) }
                x = width
            }
            i += 1
        }
        let lastShown = placed.last?.index ?? 0
        let cutLast = placed.count > 1 && placed.last!.width < fitted[lastShown]
        return GridLayout(
            placed: placed, first: first, hiddenLeft: first > 1, hiddenRight: lastShown < n - 1 || cutLast)
    }
}
