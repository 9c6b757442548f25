import TerminalScreen

/// A run of text in one style.
public struct Span: Sendable {
    public var text: String
    public var style: CellStyle
    public init(_ text: String, _ style: CellStyle = CellStyle()) { self.text = text; self.style = style }
}

/// A line of styled spans.
public typealias StyledLine = [Span]

/// A yes/no question shown over the screen, with details (a diff) to read before answering.
public struct Confirmation {
    public var title: String
    public var lines: [StyledLine]
    public var onYes: () -> Effect
    public init(title: String, lines: [StyledLine] = [], onYes: @escaping () -> Effect) {
        self.title = title; self.lines = lines; self.onYes = onYes
    }
}

/// Text to edit in `$EDITOR`; the completion gets the saved text (nil when the editor could not run).
public struct ExternalEdit {
    public var text: String
    public var completion: (Result<String, ExternalEditError>) -> Effect
    public init(text: String, completion: @escaping (Result<String, ExternalEditError>) -> Effect) {
        self.text = text; self.completion = completion
    }
}

/// Why `$EDITOR` could not be used.
public struct ExternalEditError: Error, Sendable {
    public var message: String; public init(_ m: String) { message = m }
}

/// What handling a key asks the app to do.
public indirect enum Effect {
    case none
    case push(any View)
    case pop
    /// Pops this view and pushes another in its place.
    case replace(any View)
    case quit
    case message(String)
    case error(String)
    case confirm(Confirmation)
    case externalEdit(ExternalEdit)
    /// Runs a `:` command.
    case command(String)
    case all([Effect])
}
