/// A colour as a theme names it; `resolved(colors:)` degrades it to what the terminal has.
public enum ThemeColor: Equatable, Sendable {
    /// The terminal's own foreground or background.
    case `default`
    /// An xterm palette index: 0–7 basic, 8–15 bright, 16–255 the 256-colour cube and greys.
    case index(Int)
    case rgb(UInt8, UInt8, UInt8)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, a basic colour name (`red`, `bright-red`), `0`–`255` as text, or `#rrggbb`.
    public init?(name text: String) {
        let t = text.lowercased()
        if t == "default" || t == "none" { self = .default; return }
        if let i = Self.names.firstIndex(of: t) { self = .index(i); return }
        if t.hasPrefix("bright-"), let i = Self.names.firstIndex(of: String(t.dropFirst(7))) {
            self = .index(i + 8); return
        }
        if let n = Int(t), (0...255).contains(n) { self = .index(n); return }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)); return
        }
        return nil
    }

    /// The palette index to use on a terminal with `colors` colours; -1 is the terminal default.
    /// `#rrggbb` maps to the nearest of the 256-colour cube, then 256 degrades to 16 and to 8 by nearest colour.
    public func resolved(colors: Int) -> Int {
        let wanted: Int
        switch self {
        case .default: return -1
        case .index(let i): wanted = i
        case .rgb(let r, let g, let b): wanted = Self.nearest((Int(r), Int(g), Int(b)), among: 16..<256)
        }
        if colors >= 256 { return wanted }
        if colors >= 16 { return wanted < 16 ? wanted : Self.nearest(Self.rgb(of: wanted), among: 0..<16) }
        if colors >= 8 {
            if wanted < 16 { return wanted % 8 }
            return Self.nearest(Self.rgb(of: wanted), among: 0..<8)
        }
        return -1
    }

    /// The RGB value of an xterm palette index.
    static func rgb(of index: Int) -> (Int, Int, Int) {
        let basic: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
            (255, 255, 255),
        ]
        if index < 16 { return basic[max(0, index)] }
        if index < 232 {
            let n = index - 16, steps = [0, 95, 135, 175, 215, 255]
            return (steps[n / 36], steps[n / 6 % 6], steps[n % 6])
        }
        let grey = 8 + (index - 232) * 10
        return (grey, grey, grey)
    }

    static func nearest(_ c: (Int, Int, Int), among range: Range<Int>) -> Int {
        range.min { a, b in
            func d(_ i: Int) -> Int {
                let p = rgb(of: i);
                return (p.0 - c.0) * (p.0 - c.0) + (p.1 - c.1) * (p.1 - c.1) + (p.2 - c.2) * (p.2 - c.2)
            }
            return d(a) < d(b)
        }!
    }
}

/// How a theme draws one role.
public struct StyleSpec: Equatable, Sendable {
    public var fg: ThemeColor = .default
    public var bg: ThemeColor = .default
    public var bold = false
    public var dim = false
    public var reverse = false
    public var underline = false
    public init(
        fg: ThemeColor = .default, bg: ThemeColor = .default, bold: Bool = false, dim: Bool = false,
        reverse: Bool = false, underline: Bool = false
    ) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.dim = dim; self.reverse = reverse; self.underline = underline
    }
}

/// A colour theme: a style per role. Roles a theme leaves out use the mono theme's style.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var styles: [StyleRole: StyleSpec]
    public init(name: String, styles: [StyleRole: StyleSpec]) { self.name = name; self.styles = styles }

    public func spec(_ role: StyleRole) -> StyleSpec { styles[role] ?? Self.mono.styles[role] ?? StyleSpec() }

    /// Attributes only, no colour: the fallback when a theme cannot be read, and what `NO_COLOR` selects.
    public static let mono = Theme(
        name: "mono",
        styles: [
            .title: StyleSpec(bold: true, reverse: true), .breadcrumb: StyleSpec(bold: true),
            .status: StyleSpec(reverse: true),
            .hint: StyleSpec(reverse: true), .hintKey: StyleSpec(bold: true, reverse: true),
            .header: StyleSpec(bold: true, underline: true), .selected: StyleSpec(reverse: true),
            .marked: StyleSpec(bold: true),
            .cursor: StyleSpec(reverse: true),
            .dim: StyleSpec(dim: true), .error: StyleSpec(bold: true), .warning: StyleSpec(bold: true),
            .ok: StyleSpec(),
            .accent: StyleSpec(bold: true), .placeholder: StyleSpec(dim: true), .jsonKey: StyleSpec(bold: true),
            .jsonNull: StyleSpec(dim: true), .diffAdd: StyleSpec(bold: true), .diffRemove: StyleSpec(dim: true),
            .badgeCreate: StyleSpec(bold: true, reverse: true), .badgeUpdate: StyleSpec(bold: true, reverse: true),
            .badgeUnarchive: StyleSpec(bold: true, reverse: true), .badgeConflict: StyleSpec(bold: true, reverse: true),
            .badgeError: StyleSpec(bold: true, reverse: true), .badgeNeutral: StyleSpec(reverse: true),
        ])
}
