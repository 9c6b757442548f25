import Foundation
import Testing
import RecordCore

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
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-tmux-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let quoted = (["tmux", "-L", socket] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            let script = "\(quoted) </dev/null >'\(file)' 2>/dev/null"
            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", script].map { (s: String) in strdup(s) } + [nil]
            defer { argv.forEach { free($0) } }
            guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw CancellationError() }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return output ? ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "") : ""
        }

        func capture() throws -> String { try run(["capture-pane", "-p", "-t", target]) }

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
            try? "timed out waiting for \"\(text)\"; the pane shows:\n\(screen)\n".write(toFile: NSTemporaryDirectory() + "/recdeck-e2e-pane.txt", atomically: true, encoding: .utf8)
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
        let command = "env HOME=\(box.url.path) XDG_DATA_HOME=\(box.url.path)/data XDG_CONFIG_HOME=\(box.url.path)/config "
            + "\(Binary.url.path) --db \(box.db) --demo; echo RECDECK-EXITED-$?; sleep 600"
        try tmux.run(["new-session", "-d", "-s", tmux.target, "-x", "120", "-y", "36", command], output: false)

        _ = try tmux.waitFor("CONFLICTS IDENTIFIERS")
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
        _ = try tmux.waitFor("j/k move  enter open the record")
        // Find duplicate contacts by email and merge the first group (Jane Smith D0B into D0A).
        try tmux.keys(":dupes contacts", "Enter")
        _ = try tmux.waitFor("410 active records scanned · 5 groups")
        try tmux.keys("Enter")
        _ = try tmux.waitFor("● kept")
        try tmux.keys("C-s")
        _ = try tmux.waitFor("Merge 1 record into")
        try tmux.keys("y")
        _ = try tmux.waitFor("409 active records scanned · 4 groups")
        try tmux.keys("Escape")
        _ = try tmux.waitFor("j/k move  enter open the record")
        try tmux.keys("q")
        _ = try tmux.waitFor("RECDECK-EXITED-0")

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
}
