import RecordCore
import TerminalScreen

/// What every view shares: the backend, the themes, the read-only switch.
public final class AppContext {
    public let backend: any RecordBackend
    /// Themes by name (built-in and the user's).
    public var themes: [String: Theme]
    public var theme: Theme

    public init(backend: any RecordBackend, themes: [String: Theme] = ["mono": .mono], theme: Theme = .mono) {
        self.backend = backend; self.themes = themes; self.theme = theme
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
    public var description: String { message }
}
