/// Exit codes of DESIGN §5.
public enum ExitStatus: Int32, Sendable {
    case ok = 0, error = 1, usage = 2, conflict = 3, expectationFailed = 4
}

/// An error the command line reports as one line, with its exit code.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var status: ExitStatus
    public init(_ message: String, status: ExitStatus = .error) { self.message = message; self.status = status }
    public var description: String { message }
}
