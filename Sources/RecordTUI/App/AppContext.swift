import RecordCore
import TerminalScreen

/// What every view shares: the backend, the themes, the read-only switch.
public final class AppContext {
    public let backend: any RecordBackend
    /// Themes by name (built-in and the user's).
    public var themes: [String: Theme]
    public var theme: Theme
    /// Where copies go.
    public var clipboard: any Clipboard
    /// Saved column layouts.
    public var viewSettings: any ViewSettings

    public init(
        backend: any RecordBackend, themes: [String: Theme] = ["mono": .mono], theme: Theme = .mono,
        clipboard: any Clipboard = NoClipboard(), viewSettings: any ViewSettings = MemoryViewSettings()
    ) {
        self.backend = backend; self.themes = themes; self.theme = theme
        self.clipboard = clipboard; self.viewSettings = viewSettings
    }

    /// Copies text through the clipboard, refusing more than 64 KiB; the effect says where it went.
    public func copy(_ text: String, what: String) -> Effect {
        let size = text.utf8.count
        if size > copyLimitBytes {
            return .error("not copied: \(what) is \(size / 1024) KiB, over the 64 KiB limit")
        }
        switch clipboard.copy(text) {
        case .success(let place):
            return .message("copied \(what) (\(size) byte\(size == 1 ? "" : "s")) to the \(place)")
        case .failure(let e): return .error("not copied: \(e.message)")
        }
    }

    public var readOnly: Bool { backend.readOnly }

    /// The refusal for a writing action in read-only mode, or nil when writing is allowed.
    public func refusal(_ action: String) -> Effect? {
        readOnly ? .error("read-only: \(action) would write to the database; refused, nothing written") : nil
    }

    /// Runs a backend call, turning a thrown error into one readable line.
    public func attempt<T>(_ body: () throws -> T) -> Result<T, BackendFailure> {
        do { return .success(try body()) } catch { return .failure(BackendFailure(message: "\(error)")) }
    }
}

/// A backend call that failed, with its message.
public struct BackendFailure: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
