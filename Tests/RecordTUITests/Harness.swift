import Foundation
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen
@testable import RecDeckCommands

/// A TUI on a temporary database, driven by key sequences; screens are read as framed plain text.
final class Harness {
    let folder: URL
    let store: RecordStore
    let app: App
    var width: Int
    var height: Int

    /// A fixed clock, so rendered timestamps are stable.
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_790_000_000) }

    init(demo: Bool = true, readOnly: Bool = false, width: Int = 100, height: Int = 30, setup: (RecordStore) throws -> Void = { _ in }) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-tui-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("t.sqlite").path
        let writer = try RecordStore.open(path: path, clock: Self.clock)
        if demo { try Demo.build(into: writer) }
        try setup(writer)
        store = readOnly ? try RecordStore.open(path: path, readOnly: true, clock: Self.clock) : writer
        app = App(context: AppContext(backend: StoreBackend(store: store)))
        self.width = width; self.height = height
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

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

    /// The screen as one string (for `contains` checks).
    var text: String { screen().joined(separator: "\n") }

    /// The status bar (last line, unframed, outer spaces trimmed).
    var statusBar: String {
        var s = String(screen().last!.dropFirst().dropLast())
        while s.hasSuffix(" ") { s.removeLast() }
        while s.hasPrefix(" ") { s.removeFirst() }
        return s
    }

    /// A contact by its contact_id.
    func contact(_ id: String) throws -> Record { try store.findRecord(type: "contacts", key: id)! }
}
