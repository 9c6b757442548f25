import CursesBackend
import Foundation
import RecordTUI
import TerminalScreen

/// The UI loop: draw the app's buffer, read a key, hand it over; run `$EDITOR` when asked. The
/// terminal is restored on every way out (quit, Ctrl-C, a thrown error; fatal signals in the backend).
@MainActor
enum TUIRunner {
    static func run(_ app: App) throws {
        let terminal = CursesTerminal()
        terminal.start()
        defer { terminal.stop() }
        let fault = TestFault.current
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
                try fault?.strike()
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

/// `RECDECK_TEST_FAULT=throw|trap`: the tests' way to make the UI fail after its first frame, to prove
/// the terminal is restored when an error is thrown out of the loop (`throw`) or the process traps
/// (`trap`, handled by the backend's signal handlers). Unset in normal use.
enum TestFault: String {
    case `throw`, trap

    static var current: TestFault? {
        ProcessInfo.processInfo.environment["RECDECK_TEST_FAULT"].flatMap(TestFault.init(rawValue:))
    }

    struct Injected: Error, CustomStringConvertible {
        var description: String { "injected test fault (RECDECK_TEST_FAULT=throw)" }
    }

    func strike() throws {
        switch self {
        case .throw: throw Injected()
        case .trap: fatalError("injected test fault (RECDECK_TEST_FAULT=trap)")
        }
    }
}
