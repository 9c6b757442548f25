import Foundation
import RecordTUI
import TOMLKit

/// `$XDG_CONFIG_HOME/recdeck/config.toml`: the user's settings. Today one: whether copies may use the
/// terminal's clipboard through OSC 52 (off by default: record values are personal data).
///
/// ```toml
/// [clipboard]
/// osc52 = true
/// ```
struct UserConfig: Equatable {
    var osc52 = false

    /// `$XDG_CONFIG_HOME/recdeck` (or `~/.config/recdeck`).
    static var folder: URL { XDGFolder.recdeck("XDG_CONFIG_HOME", fallback: ".config") }

    /// Reads config.toml; a missing file is the defaults, a bad one is the defaults plus `file:line: reason`.
    static func load(from url: URL = folder.appendingPathComponent("config.toml")) -> (
        config: UserConfig, problem: String?
    ) {
        guard let data = FileManager.default.contents(atPath: url.path) else { return (UserConfig(), nil) }
        let text = String(decoding: data, as: UTF8.self)
        do { return (try parse(text, file: url.path), nil) } catch { return (UserConfig(), error.description) }
    }

    struct Problem: Error, CustomStringConvertible {
        var file: String, line: Int, reason: String
        var description: String { "\(file):\(line): \(reason)" }
    }

    static func parse(_ text: String, file: String) throws(Problem) -> UserConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw Problem(file: file, line: e.source.begin.line, reason: e.description)
        } catch {
            throw Problem(file: file, line: 1, reason: "\(error)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func line(of key: String) -> Int { (lines.firstIndex { $0.contains(key) } ?? 0) + 1 }
        var config = UserConfig()
        for key in table.keys where key != "clipboard" {
            throw Problem(
                file: file, line: line(of: key), reason: "unknown key \"\(key)\"; config.toml has a [clipboard] table")
        }
        if let raw = table["clipboard"] {
            guard let clip = raw.table else {
                throw Problem(file: file, line: line(of: "clipboard"), reason: "clipboard must be a table")
            }
            for key in clip.keys {
                guard key == "osc52" else {
                    throw Problem(
                        file: file, line: line(of: key), reason: "unknown clipboard setting \"\(key)\"; known: osc52")
                }
                guard let b = clip[key]?.bool else {
                    throw Problem(file: file, line: line(of: key), reason: "clipboard.osc52 must be true or false")
                }
                config.osc52 = b
            }
        }
        return config
    }
}

/// Copies into tmux's paste buffer when inside tmux (`tmux load-buffer -`), else through OSC 52 when
/// config.toml enables it, else refuses with the reason. Never reads the clipboard.
final class TerminalClipboard: Clipboard {
    let environment: [String: String]
    let osc52: Bool

    init(environment: [String: String] = ProcessInfo.processInfo.environment, osc52: Bool) {
        self.environment = environment; self.osc52 = osc52
    }

    func copy(_ text: String) -> Result<String, BackendFailure> {
        if let tmux = environment["TMUX"], !tmux.isEmpty {
            return loadTmuxBuffer(text)
        }
        if osc52 {
            // OSC 52 "c" (clipboard) with base64 text, written straight to the terminal.
            let sequence = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
            guard let tty = FileHandle(forWritingAtPath: "/dev/tty") else {
                return .failure(BackendFailure(message: "cannot open the terminal for OSC 52"))
            }
            tty.write(Data(sequence.utf8))
            try? tty.close()
            return .success("terminal clipboard (OSC 52)")
        }
        return .failure(
            BackendFailure(
                message: "not inside tmux, and OSC 52 is off (set [clipboard] osc52 = true in config.toml to allow it)")
        )
    }

    private func loadTmuxBuffer(_ text: String) -> Result<String, BackendFailure> {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux", "load-buffer", "-"]
        let input = Pipe(), errors = Pipe()
        p.standardInput = input; p.standardError = errors; p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch {
            return .failure(BackendFailure(message: "cannot run tmux: \(error.localizedDescription)"))
        }
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            return .failure(
                BackendFailure(
                    message:
                        "tmux load-buffer failed: \(String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))"
                ))
        }
        return .success("tmux paste buffer")
    }
}

/// The Records grid's columns per type in `$XDG_CONFIG_HOME/recdeck/views.toml`:
///
/// ```toml
/// [contacts]
/// columns = ["name", "$.email", "$.phone", "$.company", "updated"]
/// ```
final class ViewsFile: ViewSettings {
    let url: URL
    private var table: [String: [String]] = [:]
    /// Why the file could not be read (its columns are then ignored, and saving rewrites it).
    private(set) var problem: String?

    init(url: URL = UserConfig.folder.appendingPathComponent("views.toml")) {
        self.url = url
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        do {
            let t = try TOMLTable(string: String(decoding: data, as: UTF8.self))
            for key in t.keys {
                guard let columns = t[key]?.table?["columns"]?.array else {
                    problem = "\(url.path): [\(key)] needs columns = [\"name\", …]"; continue
                }
                table[key] = columns.compactMap { $0.string }
            }
        } catch let e as TOMLParseError {
            problem = "\(url.path):\(e.source.begin.line): \(e.description)"
        } catch {
            problem = "\(url.path): \(error)"
        }
    }

    func columns(for type: String) -> [String]? { table[type] }

    func saveColumns(_ keys: [String], for type: String) throws {
        table[type] = keys
        let out = TOMLTable()
        for (t, columns) in table.sorted(by: { $0.key < $1.key }) {
            let section = TOMLTable()
            section["columns"] = TOMLArray(columns)
            out[t] = section
        }
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data(
            ("# recdeck: the Records grid's columns per type (C in the grid edits them)\n" + out.convert(to: .toml)
                + "\n").utf8
        )
        .write(to: url, options: .atomic)
    }
}
