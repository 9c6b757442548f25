import TerminalScreen

/// A key a view answers: the keys, how help names them, what they do.
public struct KeyBinding {
    public var keys: [Key]
    public var label: String
    public var help: String
    /// Shown in the status bar's key hints (not only in `?` help).
    public var hint: Bool
    /// The hint's words in the status bar (short), when they differ from `help`.
    public var short: String?
    public var run: () -> Effect
    public init(
        _ keys: [Key], _ label: String? = nil, _ help: String, hint: Bool = false, short: String? = nil,
        run: @escaping () -> Effect
    ) {
        self.keys = keys; self.label = label ?? keys.map(\.description).joined(separator: "/"); self.help = help
        self.hint = hint; self.short = short; self.run = run
    }
}

/// A screen of the terminal UI: state that handles keys and renders into a buffer (no C, no I/O of its
/// own: data comes through the `RecordBackend`).
public protocol View: AnyObject {
    /// The breadcrumb of this view.
    var title: String { get }
    /// The keymap: `?` help and the status bar's hints are generated from it.
    var bindings: [KeyBinding] { get }
    /// True while typed text belongs to the view (editors): `:`, `?` and `q` are then ordinary characters.
    var capturesText: Bool { get }
    /// Text for the status bar's left side (the current JSONPath, the row position).
    var status: String? { get }
    /// Handles a key; the default looks it up in `bindings`.
    func handle(_ key: Key) -> Effect
    func render(into buffer: inout ScreenBuffer, area: Rect)
    /// Called when the view is shown again after the one above it closed: reload what may have changed.
    func reveal()
    /// True while the view waits on background work: the UI loop then polls `tick` often.
    var isBusy: Bool { get }
    /// Polls background work between key reads; true when the view changed and should be redrawn.
    func tick() -> Bool
    /// What finished background work has to say (a message, a pushed view), taken once after `tick`.
    func takeEffect() -> Effect?
}

extension View {
    public var capturesText: Bool { false }
    public var status: String? { nil }
    public func reveal() {}
    public var isBusy: Bool { false }
    public func tick() -> Bool { false }
    public func takeEffect() -> Effect? { nil }
    public func handle(_ key: Key) -> Effect { dispatch(key) }

    /// Runs the binding for `key`, if any.
    public func dispatch(_ key: Key) -> Effect {
        bindings.first { $0.keys.contains(key) }?.run() ?? .none
    }
}
