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
            guard let key = terminal.readKey(timeoutMilliseconds: 1000) else { continue }
            app.handle(key)
            dirty = true
        }
    }
}
