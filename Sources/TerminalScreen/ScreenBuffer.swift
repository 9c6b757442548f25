/// What a piece of text is, so the theme can colour it; screens never name colours.
public enum StyleRole: String, Sendable, CaseIterable {
    case normal, title, breadcrumb, status, hint, hintKey = "hint_key", header, selected, marked, dim, border, cursor
    case error, warning, ok, accent, placeholder
    case jsonKey = "json_key", jsonString = "json_string", jsonNumber = "json_number", jsonBool = "json_bool",
        jsonNull = "json_null"
    case diffAdd = "diff_add", diffRemove = "diff_remove"
    case badgeCreate = "badge_create", badgeUpdate = "badge_update", badgeUnarchive = "badge_unarchive"
    case badgeConflict = "badge_conflict", badgeError = "badge_error", badgeNeutral = "badge_neutral"

    /// One letter per role, for screen tests' role frames (`.` is `normal`).
    public var letter: Character {
        switch self {
        case .normal: return "."
        case .title: return "T"
        case .breadcrumb: return "B"
        case .status: return "s"
        case .hint: return "h"
        case .hintKey: return "k"
        case .header: return "H"
        case .selected: return "S"
        case .marked: return "m"
        case .dim: return "d"
        case .border: return "b"
        case .cursor: return "C"
        case .error: return "E"
        case .warning: return "W"
        case .ok: return "o"
        case .accent: return "a"
        case .placeholder: return "p"
        case .jsonKey: return "K"
        case .jsonString: return "q"
        case .jsonNumber: return "n"
        case .jsonBool: return "t"
        case .jsonNull: return "0"
        case .diffAdd: return "+"
        case .diffRemove: return "-"
        case .badgeCreate: return "1"
        case .badgeUpdate: return "2"
        case .badgeUnarchive: return "3"
        case .badgeConflict: return "4"
        case .badgeError: return "5"
        case .badgeNeutral: return "6"
        }
    }
}

/// A cell's style: its role plus attributes a screen adds (bold, dim, reverse).
public struct CellStyle: Hashable, Sendable {
    public var role: StyleRole
    public var bold = false
    public var dim = false
    public var reverse = false
    public init(_ role: StyleRole = .normal, bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.role = role; self.bold = bold; self.dim = dim; self.reverse = reverse
    }
}

/// One terminal cell. A wide character occupies its cell and a following continuation cell.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: CellStyle
    public var isContinuation: Bool
    public static let blank = Cell(text: " ", style: CellStyle(), isContinuation: false)
}

/// A rectangle of the screen.
public struct Rect: Equatable, Sendable {
    public var row: Int, column: Int, width: Int, height: Int
    public init(row: Int, column: Int, width: Int, height: Int) {
        self.row = row; self.column = column; self.width = max(0, width); self.height = max(0, height)
    }
    public var bottom: Int { row + height }
    public var right: Int { column + width }
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

    public var bounds: Rect { Rect(row: 0, column: 0, width: width, height: height) }

    /// Writes `text` at (row, column), clipped to the buffer and to `maxWidth` columns; control characters,
    /// escapes and bidi overrides become visible placeholders. Returns the column after the last written cell.
    @discardableResult
    public mutating func put(
        _ text: String, row: Int, column: Int, maxWidth: Int? = nil, style: CellStyle = CellStyle()
    ) -> Int {
        guard row >= 0, row < height else { return column }
        let limit = min(width, maxWidth.map { column + max(0, $0) } ?? width)
        var col = column
        // A cell per scalar that has a width, with the zero-width marks after it: the terminal then
        // advances exactly as `DisplayWidth` counts, whatever it does with emoji sequences.
        var last: (row: Int, col: Int)?
        for scalar in SafeText.visible(text).unicodeScalars {
            let w = DisplayWidth.of(scalar: scalar)
            if w == 0 {
                if let last { cells[last.row * width + last.col].text.unicodeScalars.append(scalar) }
                continue
            }
            if col + w > limit { break }
            if col >= 0 {
                set(row, col, Cell(text: String(scalar), style: style, isContinuation: false))
                if w == 2 { set(row, col + 1, Cell(text: "", style: style, isContinuation: true)) }
                last = (row, col)
            } else {
                last = nil
            }
            col += w
        }
        return col
    }

    /// Fills `width` cells of a row with spaces in `style`.
    public mutating func fill(row: Int, column: Int, width: Int, style: CellStyle) {
        guard row >= 0, row < height else { return }
        for c in max(0, column)..<min(self.width, column + max(0, width)) {
            set(row, c, Cell(text: " ", style: style, isContinuation: false))
        }
    }

    /// Fills a rectangle with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: CellStyle) {
        for r in rect.row..<rect.bottom { fill(row: r, column: rect.column, width: rect.width, style: style) }
    }

    /// Sets one cell, blanking the other half of any wide character it splits.
    private mutating func set(_ row: Int, _ col: Int, _ cell: Cell) {
        let i = row * width + col
        if cells[i].isContinuation, col > 0, !cell.isContinuation {
            cells[i - 1] = Cell(text: " ", style: cells[i - 1].style, isContinuation: false)
        }
        if !cell.isContinuation, col + 1 < width, cells[i + 1].isContinuation {
            cells[i + 1] = Cell(text: " ", style: cells[i + 1].style, isContinuation: false)
        }
        cells[i] = cell
    }

    /// The plain text of one row.
    public func line(_ row: Int) -> String {
        (0..<width).map { cells[row * width + $0].text }.joined()
    }

    /// The buffer's rows as plain text, each framed `|...|` so trailing spaces survive comparison.
    public func framedLines() -> [String] { (0..<height).map { "|" + line($0) + "|" } }

    /// The style role of every cell of a row, one letter per column (`StyleRole.letter`).
    public func roles(_ row: Int) -> String {
        String((0..<width).map { cells[row * width + $0].style.role.letter })
    }

    /// The buffer's rows as role letters, framed like `framedLines`, so screen tests can compare the
    /// selection, the cursor, dimmed rows and badges beside the text.
    public func framedRoles() -> [String] { (0..<height).map { "|" + roles($0) + "|" } }
}
