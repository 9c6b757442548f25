/// Fitting text into columns by display width (wide characters count two, controls are placeholders).
public enum TextLayout {
    /// `text` made safe and cut to `width` columns, ending in `…` when cut.
    public static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        let safe = SafeText.visible(text)
        if DisplayWidth.of(safe) <= width { return safe }
        var out = "", used = 0
        for ch in safe {
            let w = DisplayWidth.of(ch)
            if used + w > width - 1 { break }
            out.append(ch); used += w
        }
        return out + "…"
    }

    /// `fit` then padded with spaces to exactly `width` columns (right-aligned with `right`).
    public static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let f = fit(text, width)
        let gap = String(repeating: " ", count: max(0, width - DisplayWidth.of(f)))
        return right ? gap + f : f + gap
    }

    /// Word-wraps text into lines of at most `width` columns (long words are cut).
    public static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in SafeText.visible(text).split(separator: "\u{240A}", omittingEmptySubsequences: false) {
            var line = "", used = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                let w = DisplayWidth.of(String(word))
                if used > 0, used + 1 + w > width { lines.append(line); line = ""; used = 0 }
                if used > 0 { line += " "; used += 1 }
                line += fit(String(word), width); used += min(w, width)
            }
            lines.append(line)
        }
        return lines
    }
}
