import Foundation
import RecordCore
import TerminalScreen
import Testing

/// Drives the real binary inside tmux: navigate to a record, edit a value, preview an upsert that hits
/// an archived record, resolve it with unarchive, quit; then check the database with the CLI.
@Suite(.serialized) struct TUIEndToEndTests {
    /// A private tmux server (its own socket) running one window.
    final class Tmux {
        let socket = "recdeck-e2e-\(UUID().uuidString.prefix(8))"
        let target = "e2e"

        /// Runs a tmux command through `/bin/sh` (posix_spawn + waitpid: Foundation's Process can wait
        /// forever on a command whose daemon, the tmux server, inherits its descriptors) and returns its output.
        @discardableResult
        func run(_ args: [String], output: Bool = true) throws -> String {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "recdeck-tmux-\(UUID().uuidString)"
            ).path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let quoted = (["tmux", "-L", socket] + args).map {
                "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
            }.joined(separator: " ")
            let script = "\(quoted) </dev/null >'\(file)' 2>/dev/null"
            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] =
                ["/bin/sh", "-c", script].map { (s: String) in strdup(s) } + [nil]
            defer { argv.forEach { free($0) } }
            guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw CancellationError() }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return output ? ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "") : ""
        }

        func capture() throws -> String { try run(["capture-pane", "-p", "-t", target]) }

        /// The settled pane's lines with their SGR escape sequences (`capture-pane -e`).
        func coloured() throws -> [String] {
            _ = try settled()
            return try run(["capture-pane", "-e", "-p", "-t", target]).components(separatedBy: "\n")
        }

        /// The pane once it has stopped changing (two captures 50 ms apart agree), so a check never
        /// reads a half-drawn screen.
        func settled(seconds: Double = 10) throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var last = try capture()
            while Date() < deadline {
                usleep(50_000)
                let now = try capture()
                if now == last { return now }
                last = now
            }
            return last
        }

        /// Starts the session: `shell` (a /bin/sh command line) in a `width`×`height` pane.
        func start(_ shell: String, width: Int = 120, height: Int = 36) throws {
            try run(
                ["new-session", "-d", "-s", target, "-x", String(width), "-y", String(height), shell], output: false)
        }

        /// Starts `recdeck ARGUMENTS` on the sandbox's database with HOME in the sandbox; when it exits the
        /// pane shows `RECDECK-EXITED-<status>`.
        func startRecdeck(_ box: Sandbox, _ arguments: String, width: Int = 120, height: Int = 36) throws {
            try start(
                "env HOME=\(box.url.path) \(Binary.url.path) --db \(box.db) \(arguments); echo RECDECK-EXITED-$?; sleep 600",
                width: width, height: height)
        }

        /// Starts the demo (`--demo`, XDG folders in the sandbox) with TERM=xterm-256color and `env` added, and
        /// waits for the Types view. `env -u NO_COLOR`: the test runner may export it when its output is
        /// not a terminal.
        func startDemo(_ box: Sandbox, env: String = "", width: Int = 120, height: Int = 36) throws {
            let home = box.url.path
            try start(
                "env -u NO_COLOR TERM=xterm-256color HOME=\(home) XDG_DATA_HOME=\(home)/data XDG_CONFIG_HOME=\(home)/config \(env) "
                    + "\(Binary.url.path) --db \(box.db) --demo; echo RECDECK-EXITED-$?; sleep 600", width: width,
                height: height)
            _ = try waitFor("CONFLICTS IDENTIFIERS")
        }

        /// Opens the demo's contacts grid and waits until its first row is drawn.
        func openContacts() throws {
            try keys(":contacts", "Enter")
            _ = try waitFor("olivia.kim0@mail.example")
        }

        /// Quits with `q` and waits for the clean exit the start command echoes.
        func quit() throws {
            try keys("q")
            _ = try waitFor("RECDECK-EXITED-0")
        }

        /// Runs a shell command inside the tmux server (`run-shell`), e.g. to signal a process.
        func shell(_ command: String) throws { try run(["run-shell", command], output: false) }

        /// The pane's title, which OSC 0/2 sequences would change.
        func paneTitle() throws -> String { try run(["display-message", "-p", "-t", target, "#{pane_title}"]) }

        /// The server's paste buffers, which OSC 52 sequences would fill (with `set-clipboard on`).
        func buffers() throws -> String { try run(["list-buffers"]) }

        func keys(_ keys: String...) throws { try run(["send-keys", "-t", target] + keys, output: false) }

        /// Waits (polling the pane, at most `seconds`) until it shows every one of `texts` at once (a
        /// capture can catch the screen half drawn).
        func waitFor(_ texts: String..., seconds: Double = 20) throws -> String {
            let text = texts.joined(separator: "\" and \"")
            let deadline = Date().addingTimeInterval(seconds)
            var screen = ""
            while Date() < deadline {
                screen = try capture()
                if texts.allSatisfy(screen.contains) { return screen }
                usleep(50_000)
            }
            try? "timed out waiting for \"\(text)\"; the pane shows:\n\(screen)\n".write(
                toFile: NSTemporaryDirectory() + "/recdeck-e2e-pane.txt", atomically: true, encoding: .utf8)
            Issue.record("timed out waiting for \"\(text)\"")
            throw CancellationError()
        }

        deinit { _ = try? run(["kill-server"], output: false) }
    }

    static var tmuxAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    @Test(.enabled(if: tmuxAvailable, "tmux is not installed (CI installs it)"))
    func navigateEditPreviewResolveAndQuit() throws {
        let box = try Sandbox()
        let tmux = Tmux()
        try tmux.startDemo(box)
        // Navigate: the contacts type, then its first record.
        try tmux.keys(":contacts", "Enter")
        _ = try tmux.waitFor("Olivia Kim")
        try tmux.keys("Enter")
        _ = try tmux.waitFor("email: \"olivia.kim0@mail.example\"")
        // Edit: company "Gringotts" → "Initech" (line 3 of the edit), save after the diff.
        try tmux.keys("e")
        _ = try tmux.waitFor("valid JSON")
        try tmux.keys("Down", "Down", "End", "Left", "Left")
        for _ in 0..<9 { try tmux.keys("BSpace") }
        try tmux.keys("-l", "Initech")
        _ = try tmux.waitFor("\"company\": \"Initech\"")
        try tmux.keys("C-s")
        _ = try tmux.waitFor("Save 1 change?")
        try tmux.keys("y")
        _ = try tmux.waitFor("saved Olivia Kim: version 2")
        // Preview an upsert that hits the archived Acme Corporation, and resolve it with unarchive.
        try tmux.keys(":companies", "Enter")
        _ = try tmux.waitFor("Globex Industries")
        try tmux.keys("a")
        _ = try tmux.waitFor("archived")
        try tmux.keys("P")
        let preview = try tmux.waitFor(" CONFLICT ", "prompt (this request)", "UNARCHIVE_UPDATE")
        #expect(preview.contains("prompt (this request)"))
        #expect(preview.contains("UNARCHIVE_UPDATE"))
        try tmux.keys("C-s")
        _ = try tmux.waitFor("incoming request (native)")
        try tmux.keys("Enter")
        _ = try tmux.waitFor("Resolve with unarchive?")
        try tmux.keys("y")
        _ = try tmux.waitFor("unarchive: Acme Corporation")
        // Quit; the program exits cleanly.
        try tmux.keys("Escape")
        _ = try tmux.waitFor("j/k move  h/l column  enter open")
        // Find duplicate contacts by email and merge the second group (Jane Smith D0B into D0A).
        try tmux.keys(":dupes contacts", "Enter")
        _ = try tmux.waitFor("419 active records scanned · 7 groups")
        try tmux.keys("j", "Enter")
        _ = try tmux.waitFor("● kept")
        try tmux.keys("C-s")
        _ = try tmux.waitFor("Merge 1 record into")
        try tmux.keys("y")
        _ = try tmux.waitFor("418 active records scanned · 6 groups")
        try tmux.keys("Escape")
        _ = try tmux.waitFor("j/k move  h/l column  enter open")
        try tmux.quit()

        // The database, read back with the CLI.
        let olivia = try box.run(["get", "--db", box.db, "--json", "contacts", "C00000"])
        #expect(olivia.status == 0)
        let o = try JSONValue.parse(olivia.out)
        #expect(o["data"]?["company"] == .string("Initech"))
        #expect(o["version"] == .int(2))
        let acme = try box.run(["get", "--db", box.db, "--json", "companies", "Acme Corporation"])
        let a = try JSONValue.parse(acme.out)
        #expect(a["archived"] == .bool(false))
        let history = try box.run(["history", "--db", box.db, "companies", "Acme Corporation"])
        #expect(history.out.contains("unarchive"))
        #expect(history.out.contains("tui"))
        // The merge: D0B is archived into D0A (its contact_id moved aside), and its property now belongs to D0A.
        let jane = try JSONValue.parse(box.run(["get", "--db", box.db, "--json", "contacts", "D0A"]).out)
        #expect(try box.run(["get", "--db", box.db, "contacts", "D0B"]).status == 1)
        let property = try JSONValue.parse(box.run(["get", "--db", box.db, "--json", "properties", "X1001"]).out)
        #expect(property["parent_id"] == jane["id"])
        let moved = try box.run(["history", "--db", box.db, "properties", "X1001"]).out
        #expect(moved.contains("merge") && moved.contains("tui"), "\(moved)")
    }

    /// The terminal is given back as it was (`stty -a` before and after) when the UI is ended by
    /// SIGINT, by SIGTERM, by an error thrown out of its loop, and by a trap (crash).
    @Test(
        .enabled(if: tmuxAvailable, "tmux is not installed (CI installs it)"),
        arguments: ["INT", "TERM", "throw", "trap"])
    func terminalIsRestored(after ending: String) throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let tmux = Tmux()
        let dir = box.url.path
        let fault = ["throw", "trap"].contains(ending) ? "RECDECK_TEST_FAULT=\(ending) " : ""
        // The shell survives the UI's death by a signal (`trap true INT`) to record the terminal after it.
        let command =
            "trap true INT; stty -a > \(dir)/before; env HOME=\(dir) \(fault)\(Binary.url.path) --db \(box.db) 2>\(dir)/err; "
            + "echo EXIT-$? > \(dir)/rc; stty -a > \(dir)/after; echo RECDECK-DONE; sleep 600"
        try tmux.start(command, width: 100, height: 30)
        if fault.isEmpty {
            _ = try tmux.waitFor("CONFLICTS IDENTIFIERS")
            try tmux.shell("pkill -\(ending) -f '^\(Binary.url.path) --db \(box.db)'")
        }
        _ = try tmux.waitFor("RECDECK-DONE")
        let rc = try String(contentsOfFile: dir + "/rc", encoding: .utf8)
        let expected = ["INT": "EXIT-130", "TERM": "EXIT-143", "throw": "EXIT-1", "trap": "EXIT-132"][ending]!
        #expect(rc.hasPrefix(expected), "\(rc)")
        let before = try String(contentsOfFile: dir + "/before", encoding: .utf8)
        let after = try String(contentsOfFile: dir + "/after", encoding: .utf8)
        #expect(!before.isEmpty)
        #expect(before == after, "stty -a changed:\n\(before)\n---\n\(after)")
        if ending == "throw" {
            #expect(try String(contentsOfFile: dir + "/err", encoding: .utf8).contains("recdeck: injected test fault"))
        }
    }

    /// The terminal corpus (`scripts/terminal-corpus.jsonl`) shown in the record, edit, composer,
    /// duplicates and merge views of the real binary: the pane's title and tmux's paste buffers (OSC 0/2
    /// and OSC 52 targets, with `set-clipboard on`) are unchanged, the placeholders show, and framed
    /// rows end at the pane's last column.
    @Test(.enabled(if: tmuxAvailable, "tmux is not installed (CI installs it)"))
    func hostileValuesLeaveTitleAndClipboardAlone() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("scripts/terminal-corpus.jsonl").path
        let imported = try box.run(["import", "--db", box.db, "contacts", corpus])
        #expect(imported.status == 0, "\(imported.err)")
        let tmux = Tmux()
        try tmux.startRecdeck(box, "--type contacts", width: 100, height: 30)
        try tmux.run(["set-option", "-s", "set-clipboard", "on"], output: false)
        _ = try tmux.waitFor("Types › contacts")
        let title = try tmux.paneTitle()
        #expect(try tmux.buffers().isEmpty)
        try tmux.keys("/")
        try tmux.keys("-l", "H")
        try tmux.keys("Enter")
        _ = try tmux.waitFor("12 records match H…")
        var screens = ""
        for n in 1...12 {
            try tmux.keys("Enter")
            _ = try tmux.waitFor(String(format: "H%02d", n), "created")
            screens += try tmux.settled()
            try tmux.keys("e")
            _ = try tmux.waitFor("valid JSON")
            screens += try tmux.settled()
            try tmux.keys("Escape")
            _ = try tmux.waitFor(String(format: "H%02d", n), "created")
            try tmux.keys("Escape")
            _ = try tmux.waitFor("filter H")
            try tmux.keys("j")
        }
        try tmux.keys("d")
        _ = try tmux.waitFor("groups")
        try tmux.keys("2")
        _ = try tmux.waitFor("same phone")
        screens += try tmux.settled()
        try tmux.keys("Enter")
        _ = try tmux.waitFor("─ fields ", "─ effects ", "RESULT")
        screens += try tmux.settled()
        for _ in 0..<12 {
            try tmux.keys("l")
            screens += try tmux.settled()
        }
        try tmux.keys("Escape")
        _ = try tmux.waitFor("same phone")
        try tmux.quit()

        #expect(try tmux.paneTitle() == title)
        #expect(try tmux.buffers().isEmpty, "an OSC 52 write reached tmux")
        for placeholder in ["␛]0;pwned-title␇", "␛]52;c;cHduZWQ=␇", "<U+9B>31m", "<U+202E>gnp.exe", "<U+200D>", "␡␡"] {
            #expect(screens.contains(placeholder), "never shown: \(placeholder)")
        }
        // Boxed rows end at the last column: nothing shifted them.
        let framed = screens.split(separator: "\n").filter {
            $0.hasSuffix("│") || $0.hasSuffix("┐") || $0.hasSuffix("┘")
        }
        #expect(framed.count > 100)
        for line in framed where DisplayWidth.of(String(line)) != 100 {
            Issue.record("row is \(DisplayWidth.of(String(line))) columns, not 100: \(line)")
        }
    }

    /// A TUI edit of a record that the CLI changed meanwhile (another process) is refused as stale,
    /// and the CLI's change stays.
    @Test(.enabled(if: tmuxAvailable, "tmux is not installed (CI installs it)"))
    func editOfARecordTheCLIChangedIsRefused() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let tmux = Tmux()
        try tmux.startRecdeck(box, "--type contacts")
        _ = try tmux.waitFor("Olivia Kim")
        try tmux.keys("e")
        _ = try tmux.waitFor("valid JSON")
        try tmux.keys("Down", "Down", "End", "Left", "Left")
        try tmux.keys("-l", "X")
        _ = try tmux.waitFor("GringottsX")
        // Meanwhile the CLI changes the same record.
        let body =
            #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"C00000","title":"changed by the CLI"}}"#
        #expect(try box.run(["upsert", "--db", box.db, "contacts", body]).status == 0)
        try tmux.keys("C-s")
        _ = try tmux.waitFor("changed meanwhile")
        try tmux.keys("C-c")
        _ = try tmux.waitFor("RECDECK-EXITED-0")
        let olivia = try JSONValue.parse(box.run(["get", "--db", box.db, "--json", "contacts", "C00000"]).out)
        #expect(olivia["data"]?["title"] == "changed by the CLI")
        #expect(olivia["data"]?["company"] == "Gringotts")
        #expect(olivia["version"] == 2)
    }
}
