import TerminalScreen

/// A screen of the terminal UI: pure state that handles keys and renders into a buffer.
public protocol Screen {
    /// Breadcrumb title of this screen.
    var title: String { get }
    /// Draws the screen into the buffer.
    func render(into buffer: inout ScreenBuffer)
}
