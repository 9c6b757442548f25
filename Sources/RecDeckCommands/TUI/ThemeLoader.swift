import Foundation
import TOMLKit
import TerminalScreen

/// Reads theme files (TOML): the built-in ones shipped in `themes/` and the user's in
/// `$XDG_CONFIG_HOME/recdeck/themes`. A bad file is reported as `file:line: reason` and skipped.
enum ThemeLoader {
    /// A theme file that could not be used.
    struct Problem: Error, CustomStringConvertible {
        var file: String
        var line: Int
        var reason: String
        var description: String { "\(file):\(line): \(reason)" }
    }

    static let defaultName = "dark"

    /// Parses one theme file's text; `name` is used when the file names none.
    static func parse(_ text: String, file: String, name fallbackName: String) throws(Problem) -> Theme {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw Problem(file: file, line: e.source.begin.line, reason: e.description)
        } catch {
            throw Problem(file: file, line: 1, reason: "\(error)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        /// The line defining `key` (first match), for error messages.
        func line(of key: String) -> Int {
            (lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key) && $0.contains("=") } ?? 0) + 1
        }
        for key in table.keys where key != "name" && key != "styles" {
            throw Problem(
                file: file, line: line(of: key),
                reason: "unknown key \"\(key)\"; a theme has `name` and a [styles] table")
        }
        var name = fallbackName
        if let n = table["name"] {
            guard let s = n.string, !s.isEmpty else {
                throw Problem(file: file, line: line(of: "name"), reason: "name must be a non-empty string")
            }
            name = s
        }
        var styles: [StyleRole: StyleSpec] = [:]
        if let raw = table["styles"] {
            guard let st = raw.table else {
                throw Problem(file: file, line: line(of: "styles"), reason: "styles must be a table")
            }
            for key in st.keys {
                guard let role = StyleRole(rawValue: key) else {
                    throw Problem(
                        file: file, line: line(of: key),
                        reason:
                            "unknown style \"\(key)\"; known: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                guard let spec = st[key]?.table else {
                    throw Problem(
                        file: file, line: line(of: key),
                        reason: "\(key) must be a table like { fg = \"red\", bold = true }")
                }
                var s = StyleSpec()
                for attr in spec.keys {
                    let value = spec[attr]!
                    switch attr {
                    case "fg", "bg":
                        guard let text = value.string ?? value.int.map(String.init), let c = ThemeColor(name: text)
                        else {
                            throw Problem(
                                file: file, line: line(of: key),
                                reason:
                                    "\(key).\(attr): bad colour \(value.string ?? value.int.map(String.init) ?? "\(value)"); use default, a name (red, bright-red), 0-255 or \"#rrggbb\""
                            )
                        }
                        if attr == "fg" { s.fg = c } else { s.bg = c }
                    case "bold", "dim", "reverse", "underline":
                        guard let b = value.bool else {
                            throw Problem(
                                file: file, line: line(of: key), reason: "\(key).\(attr) must be true or false")
                        }
                        switch attr {
                        case "bold": s.bold = b
                        case "dim": s.dim = b
                        case "reverse": s.reverse = b
                        default: s.underline = b
                        }
                    default:
                        throw Problem(
                            file: file, line: line(of: key),
                            reason: "\(key): unknown attribute \"\(attr)\"; use fg, bg, bold, dim, reverse, underline")
                    }
                }
                styles[role] = s
            }
        }
        return Theme(name: name, styles: styles)
    }

    /// The built-in themes, built into the binary (`PackageResources`): a copied or installed binary has
    /// them too. Until they were, a binary away from its build folder found no themes and drew in mono.
    static let builtIn: [(file: String, bytes: [UInt8])] = [
        ("dark.toml", PackageResources.dark_toml), ("light.toml", PackageResources.light_toml),
        ("high-contrast.toml", PackageResources.high_contrast_toml), ("mono.toml", PackageResources.mono_toml),
    ]

    /// `$XDG_CONFIG_HOME/recdeck/themes` (or `~/.config/recdeck/themes`).
    static var userFolder: URL { UserConfig.folder.appendingPathComponent("themes") }

    /// Every theme found (user themes override built-in ones of the same name), and the problems met.
    static func loadAll(folders: [URL], builtIn: Bool = true) -> (themes: [String: Theme], problems: [Problem]) {
        var themes: [String: Theme] = ["mono": .mono]
        var problems: [Problem] = []
        for (file, bytes) in builtIn ? Self.builtIn : [] {
            do {
                let t = try parse(String(decoding: bytes, as: UTF8.self), file: file, name: String(file.dropLast(5)))
                themes[t.name] = t
            } catch { problems.append(error) }
        }
        for folder in folders {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            for f in files.sorted() where f.hasSuffix(".toml") {
                let url = folder.appendingPathComponent(f)
                guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                    problems.append(Problem(file: url.path, line: 1, reason: "cannot read the file as UTF-8 text"));
                    continue
                }
                do {
                    let t = try parse(text, file: url.path, name: String(f.dropLast(5)))
                    themes[t.name] = t
                } catch { problems.append(error) }
            }
        }
        return (themes, problems)
    }

    /// The themes and the one to start with: `--theme`, else mono under `NO_COLOR`, else dark. A theme
    /// that is missing or unreadable falls back to the default, with a message saying why. The themes are
    /// the built-in ones and the user's; `folders` (tests) replaces both with those folders' themes.
    static func select(
        requested: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        folders: [URL]? = nil
    ) -> (themes: [String: Theme], theme: Theme, messages: [String]) {
        let (themes, problems) = loadAll(folders: folders ?? [userFolder], builtIn: folders == nil)
        var messages = problems.map(\.description)
        let fallback = themes[defaultName] ?? .mono
        let wanted = requested ?? ((environment["NO_COLOR"].map { !$0.isEmpty } ?? false) ? "mono" : defaultName)
        guard let theme = themes[wanted] else {
            if requested != nil || wanted != defaultName {
                messages.append(
                    "theme \"\(wanted)\" not found or unreadable; using \(fallback.name). Available: \(themes.keys.sorted().joined(separator: ", "))"
                )
            }
            return (themes, fallback, messages)
        }
        return (themes, theme, messages)
    }
}
