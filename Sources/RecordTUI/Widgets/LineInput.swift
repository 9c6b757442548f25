import TerminalScreen

/// The one-line prompts of the views (`/` filter, `/` search, `+` column): typed characters, backspace
/// (on an empty line: cancel), `ctrl-u` clears, `enter` submits, `esc` cancels.
enum LineInput {
    /// What a key did to the text being typed.
    enum Outcome {
        /// Still typing (the text after the key).
        case editing(String)
        case cancelled
        case submitted(String)
    }

    static func handle(_ key: Key, _ text: String) -> Outcome {
        var text = text
        switch key {
        case .escape: return .cancelled
        case .enter: return .submitted(text)
        case .backspace:
            if text.isEmpty { return .cancelled }
            text.removeLast()
        case .ctrl("u"): text = ""
        case .char(let c): text.append(c)
        default: break
        }
        return .editing(text)
    }

    /// Edits an open prompt's text with `key` (nil when the prompt closes); a submitted text goes to `submit`.
    static func edit(_ text: inout String?, _ key: Key, submit: (String) -> Effect) -> Effect {
        guard let current = text else { return .none }
        switch handle(key, current) {
        case .editing(let t): text = t
        case .cancelled: text = nil
        case .submitted(let t):
            text = nil
            return submit(t)
        }
        return .none
    }
}
