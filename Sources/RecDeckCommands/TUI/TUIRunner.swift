import CursesBackend
import Foundation
import RecordTUI
import TerminalScreen

/// The UI loop: draw the app's buffer, read a key, hand it over; run `$EDITOR` when asked. The
/// terminal is restored on every way out (quit, Ctrl-C, a thrown error; fatal signals in the backend).
@MainActor
enum TUIRunner {
    static func run(_ app: App) {
        let terminal = CursesTerminal()
        terminal.start()
        defer { terminal.stop() }
        var dirty = true
        while !app.quitRequested {
            if let edit = app.pendingExternalEdit {
                terminal.suspend()
                let result = ExternalEditor.run(edit.text)
                terminal.resume()
                app.finishExternalEdit(result)
                dirty = true
                continue
            }
            if dirty {
                let size = terminal.size
                var buffer = ScreenBuffer(width: size.width, height: size.height)
                app.render(into: &buffer)
                terminal.draw(buffer, theme: app.context.theme)
                dirty = false
            }
            // Background work (a duplicate scan) reports between key reads: poll often while it runs.
            guard let key = terminal.readKey(timeoutMilliseconds: app.isBusy ? 80 : 1000) else {
                if app.tick() { dirty = true }
                continue
            }
            app.handle(key)
            app.tick()
            dirty = true
        }
    }
}
