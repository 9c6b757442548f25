/// A text style: foreground/background colour indices and attributes.
public struct CellStyle: Hashable, Sendable {
    public var bold = false
    public var dim = false
    public var reverse = false
    public init(bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.bold = bold; self.dim = dim; self.reverse = reverse
    }
}

/// One terminal cell. A wide character occupies its cell and a following continuation cell.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: CellStyle
    public var isContinuation: Bool
    public static let blank = Cell(text: " ", style: CellStyle(), isContinuation: false)
}

/// A grid of cells that screens render into; a backend blits it, tests read its plain text.
public struct ScreenBuffer: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// Writes `text` at (row, column), clipped to the buffer; control characters become visible placeholders.
    /// Returns the column after the last written cell.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: CellStyle = CellStyle()) -> Int {
        guard row >= 0, row < height else { return column }
        var col = column
        for ch in SafeText.visible(text) {
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if col + w > width { break }
            if col >= 0 {
                cells[row * width + col] = Cell(text: String(ch), style: style, isContinuation: false)
                if w == 2 { cells[row * width + col + 1] = Cell(text: "", style: style, isContinuation: true) }
            }
            col += w
        }
        return col
    }

    /// The buffer's rows as plain text, each framed `|...|` so trailing spaces survive comparison.
    public func framedLines() -> [String] {
        (0..<height).map { r in
            "|" + (0..<width).map { c in cells[r * width + c].text }.joined() + "|"
        }
    }
}
