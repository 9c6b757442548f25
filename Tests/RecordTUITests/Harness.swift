import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
import TestSupport

@testable import RecDeckCommands

/// A TUI on a temporary database, driven by key sequences; screens are read as framed plain text.
final class Harness {
    let folder: URL
    private let temporary: TemporaryFolder
    let store: RecordStore
    let app: App
    var width: Int
    var height: Int
    /// Background work (duplicate scans) waits here until `runJobs` runs it, so tests see each stage.
    let jobs = ManualJobs()
    /// What `y`, `Y` and `ctrl-y` copied.
    let clipboard = RecordingClipboard()
    /// Column layouts saved by the picker.
    let settings = MemoryViewSettings()

    /// A fixed clock, so rendered timestamps are stable.
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_790_000_000) }

    init(
        demo: Bool = true, readOnly: Bool = false, width: Int = 100, height: Int = 30,
        setup: (RecordStore) throws -> Void = { _ in }
    ) throws {
        temporary = try TemporaryFolder("tui")
        folder = temporary.url
        let path = temporary.path("t.sqlite")
        let writer = try RecordStore.open(path: path, clock: Self.clock)
        if demo { try Demo.build(into: writer) }
        try setup(writer)
        store = readOnly ? try RecordStore.open(path: path, readOnly: true, clock: Self.clock) : writer
        let jobs = self.jobs
        app = App(
            context: AppContext(
                backend: StoreBackend(store: store, runInBackground: { jobs.pending.append($0) }),
                clipboard: clipboard, viewSettings: settings))
        self.width = width; self.height = height
    }

    /// The import of a file opened directly (`init(opening:)`), stepped by the test batch by batch.
    private(set) var fileRun: FileImportRun?

    /// A TUI opened on a file (`recdeck FILE`): the file's cache lives in the temporary folder, and its
    /// import waits for the test to call `fileRun.step()`.
    init(opening text: String, named name: String, key: String? = nil, width: Int = 100, height: Int = 12) throws {
        temporary = try TemporaryFolder("tui")
        folder = temporary.url
        let file = try temporary.write(name, text)
        let opened = try FileOpener(
            path: file, key: key, schemaFile: nil, cacheFolder: temporary.url.appendingPathComponent("cache")
        ).open()
        store = opened.store
        let backend = StoreBackend(store: store, runInBackground: { [jobs] in jobs.pending.append($0) })
        backend.fileImport = opened.session?.progress
        backend.fileLines = opened.session?.lines
        backend.displayName = name
        fileRun = opened.session
        app = App(context: AppContext(backend: backend, clipboard: clipboard, viewSettings: settings))
        app.run(command: opened.type.key)
        self.width = width; self.height = height
    }

    var path: String { store.path }

    /// Presses keys: plain characters and `<esc>`, `<enter>`, `<c-s>`, `<up>`….
    @discardableResult
    func press(_ keys: String) -> Harness { app.handle(Key.sequence(keys)); return self }

    /// The screen as framed lines.
    func screen() -> [String] {
        var buffer = ScreenBuffer(width: width, height: height)
        app.render(into: &buffer)
        return buffer.framedLines()
    }

    /// The screen's style roles, one letter per cell (`StyleRole.letter`), framed like `screen()`.
    func roles() -> [String] {
        var buffer = ScreenBuffer(width: width, height: height)
        app.render(into: &buffer)
        return buffer.framedRoles()
    }

    /// The screen as one string (for `contains` checks).
    var text: String { screen().joined(separator: "\n") }

    /// The status bar (last line, unframed, outer spaces trimmed).
    var statusBar: String {
        var s = String(screen().last!.dropFirst().dropLast())
        while s.hasSuffix(" ") { s.removeLast() }
        while s.hasPrefix(" ") { s.removeFirst() }
        return s
    }

    /// Runs the background work started so far, then lets the app take in its results.
    @discardableResult
    func runJobs() -> Harness {
        while !jobs.pending.isEmpty { jobs.pending.removeFirst()() }
        app.tick()
        return self
    }

    /// The screen with record ids replaced by `<key>` labels (contacts by contact_id, `others` by type and key) padded to an id's width, so frames
    /// compare across runs (ids are random).
    func screen(naming ids: [String], others: [(type: String, key: String)] = []) throws -> [String] {
        var names: [(String, String)] = []
        for (type, key) in ids.map({ ("contacts", $0) }) + others {
            let label = "<" + key + ">"
            names.append(
                (
                    try store.findRecord(type: type, key: key)!.id,
                    label + String(repeating: "_", count: 36 - label.count)
                ))
        }
        // An id cut short by its column cannot be named: it reads `<uuid>___…`, as long as it was.
        return screen().map { line in
            names.reduce(line) { $0.replacingOccurrences(of: $1.0, with: $1.1) }.replacing(
                /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f-]*…/
            ) { m in "<uuid>" + String(repeating: "_", count: m.output.count - 7) + "…" }
        }
    }

    /// A contact by its contact_id.
    func contact(_ id: String) throws -> Record { try store.findRecord(type: "contacts", key: id)! }
}

/// Background work held until a test runs it.
final class ManualJobs: @unchecked Sendable {
    var pending: [@Sendable () -> Void] = []
}
