/// Where `y`, `Y` and `ctrl-y` put text (DESIGN §6): the runtime wires tmux's paste buffer or OSC 52; the
/// screens never read the clipboard.
public protocol Clipboard: AnyObject {
    /// Copies `text`; on success, says where it went ("tmux paste buffer").
    func copy(_ text: String) -> Result<String, BackendFailure>
}

/// The column layouts saved per type (`$XDG_CONFIG_HOME/recdeck/views.toml`).
public protocol ViewSettings: AnyObject {
    /// The saved column keys of a type, if any.
    func columns(for type: String) -> [String]?
    /// Saves a type's column keys.
    func saveColumns(_ keys: [String], for type: String) throws
}

/// No clipboard: every copy is refused with the reason.
public final class NoClipboard: Clipboard {
    public init() {}
    public func copy(_ text: String) -> Result<String, BackendFailure> {
        .failure(
            BackendFailure(message: "nowhere to copy to: run recdeck inside tmux, or enable OSC 52 in config.toml"))
    }
}

/// Settings kept in memory only (tests, and when the config folder cannot be written).
public final class MemoryViewSettings: ViewSettings {
    public private(set) var saved: [String: [String]] = [:]
    public init() {}
    public func columns(for type: String) -> [String]? { saved[type] }
    public func saveColumns(_ keys: [String], for type: String) throws { saved[type] = keys }
}

/// A clipboard that keeps what was copied (tests).
public final class RecordingClipboard: Clipboard {
    public private(set) var copied: [String] = []
    public init() {}
    public func copy(_ text: String) -> Result<String, BackendFailure> {
        copied.append(text)
        return .success("test clipboard")
    }
}

/// The most a copy takes: record values are personal data, and terminals cap OSC 52.
public let copyLimitBytes = 64 * 1024
