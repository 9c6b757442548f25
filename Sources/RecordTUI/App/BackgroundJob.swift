import Foundation

/// How a background job ended.
public enum JobOutcome<Value: Sendable>: Sendable {
    case done(Value)
    case cancelled
    case failed(String)
}

/// Work running off the main actor (a duplicate scan): it reports progress and its outcome here, and
/// the UI loop polls both between key reads (DESIGN §1), so the screen keeps answering keys. Cancelling
/// sets a flag the work checks at its next progress report.
public final class BackgroundJob<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var fraction = 0.0
    private var phase = "starting"
    private var cancelled = false
    private var result: JobOutcome<Value>?

    public init() {}

    /// Progress so far (0...1) and what the work is doing.
    public var progress: (fraction: Double, phase: String) { lock.withLock { (fraction, phase) } }
    /// The outcome, once the work has finished.
    public var outcome: JobOutcome<Value>? { lock.withLock { result } }
    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Called (once, on the main actor) when the job is cancelled: for work that cannot poll, e.g. one
    /// long SQL statement that must be interrupted.
    public var onCancel: (@Sendable () -> Void)? {
        get { lock.withLock { cancelHandler } }
        set { lock.withLock { cancelHandler = newValue } }
    }
    private var cancelHandler: (@Sendable () -> Void)?

    /// Asks the work to stop at its next progress report (and runs `onCancel`).
    public func cancel() {
        let handler = lock.withLock { () -> (@Sendable () -> Void)? in
            cancelled = true; return cancelHandler
        }
        handler?()
    }

    /// Called by the work: records progress; false when the work should stop.
    public func report(_ fraction: Double, _ phase: String) -> Bool {
        lock.withLock {
            self.fraction = fraction; self.phase = phase
            return !cancelled
        }
    }

    /// Called by the work when it ends.
    public func finish(_ outcome: JobOutcome<Value>) { lock.withLock { result = outcome } }
}
