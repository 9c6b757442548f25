import Foundation
import RecordCore
import Testing

/// `recdeck FILE` on the real binary in tmux (issue 17): the grid opens while the file imports, a
/// reopen of the unchanged file is immediate, and Ctrl-C mid-import leaves no cache that is trusted.
@Suite(.serialized) struct OpenFileEndToEndTests {
    typealias Tmux = TUIEndToEndTests.Tmux

    func start(_ tmux: Tmux, _ box: Sandbox, _ file: String) throws {
        let home = box.url.path
        try tmux.start(
            "env -u NO_COLOR TERM=xterm-256color HOME=\(home) XDG_CACHE_HOME=\(home)/cache XDG_CONFIG_HOME=\(home)/config "
                + "\(Binary.url.path) \(file) --key '$.email'; echo RECDECK-EXITED-$?; sleep 600", width: 120,
            height: 30)
    }

    @Test(.enabled(if: TUIEndToEndTests.tmuxAvailable, "tmux is not installed (CI installs it)"))
    func openImportReopenAndInterrupt() throws {
        let box = try Sandbox()
        let lines = (0..<3000).map { #"{"email":"p\#($0)@x.io","city":"Oslo","score":\#($0 % 100)}"# }
        let file = try box.write("people.jsonl", lines.joined(separator: "\n") + "\n")
        let tmux = Tmux()
        try start(tmux, box, file)
        let done = try tmux.waitFor("imported 3000 rows from people.jsonl")
        #expect(done.contains("people.jsonl"))
        #expect(done.contains("p0@x.io") && done.contains("CITY"))
        try tmux.quit()

        // Unchanged: the cache opens at once, nothing to import.
        let again = Tmux()
        try start(again, box, file)
        let screen = try again.waitFor("1/3,000")
        #expect(!screen.contains("importing"))
        try again.quit()

        // A bigger file, interrupted with Ctrl-C while importing: the next open imports it again from the start.
        let big = (0..<150_000).map { #"{"email":"q\#($0)@x.io"}"# }
        let bigFile = try box.write("big.jsonl", big.joined(separator: "\n") + "\n")
        let interrupted = Tmux()
        try start(interrupted, box, bigFile)
        _ = try interrupted.waitFor("importing")
        try interrupted.keys("C-c")
        _ = try interrupted.waitFor("RECDECK-EXITED-")
        let reopened = Tmux()
        try start(reopened, box, bigFile)
        let restarted = try reopened.waitFor("importing")
        #expect(restarted.contains("importing"), "\(restarted)")
        try reopened.keys("C-c")
        _ = try reopened.waitFor("RECDECK-EXITED-")
    }
}
