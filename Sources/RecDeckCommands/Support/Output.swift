import Foundation
import RecordCore
import TerminalScreen

/// Writing to stdout/stderr, and plain tables for human output.
enum Output {
    static func out(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    static func err(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    static func json(_ value: JSONValue) { out(value.prettyText) }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1

    /// A cell made safe for a terminal (control characters shown as placeholders), cut to `max` columns
    /// only when stdout is a terminal: piped output is never cut short (DESIGN §5).
    static func cell(_ text: String, max: Int = 40) -> String {
        let safe = SafeText.visible(text)
        guard stdoutIsTerminal, DisplayWidth.of(safe) > max else { return safe }
        var out = ""
        var w = 0
        for ch in safe {
            let cw = DisplayWidth.of(ch)
            if w + cw > max - 1 { break }
            out.append(ch); w += cw
        }
        return out + "…"
    }

    /// Left-aligned columns padded by display width, printed.
    static func table(_ header: [String], _ rows: [[String]]) { tableLines(header, rows).forEach(out) }

    /// Left-aligned columns padded by display width.
    static func tableLines(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for r in all {
            for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(c)) }
        }
        return all.map { r in
            r.enumerated().map { i, c in
                i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - DisplayWidth.of(c))
            }.joined(separator: "  ")
        }
    }

    /// A progress bar on stderr's line (only when stderr is a terminal; callers check).
    static func progress(_ fraction: Double, _ label: String) {
        let f = min(1, max(0, fraction))
        let width = 30
        let filled = Int(f * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(bar) \(Int(f * 100))%  \(label)\u{1B}[K".utf8))
    }

    /// Clears the progress bar's line.
    static func clearProgress() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}
