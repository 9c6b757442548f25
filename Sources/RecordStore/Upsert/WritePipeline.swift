import Foundation

/// Runs a batch's row writes on a second thread while the planner plans the next item. An import is
/// about half Swift (reading, planning) and half SQLite (stepping the writes); with the writes queued
/// here, two cores do both at once.
///
/// The connection is never used by both threads at once: the writer thread only steps statements prepared
/// beforehand (through SQLite's C API, never GRDB's), and anyone else who needs the database first calls
/// `drain`, which returns once the writer is idle. A write that fails stops the queue; its error is thrown
/// by the next `submit` or `drain`, so the caller's transaction rolls back as if the write had failed in line.
final class WritePipeline: @unchecked Sendable {
    /// Writes submitted but not yet handed over: touched only by the submitting thread, handed over
    /// `handOver` at a time (one lock and wake-up per 32 writes, not per write).
    private var outbox: [() throws -> Void] = []
    /// The writes the outbox's jobs hold (a job may hold many: `WriteStatements`' creates).
    private var outboxWrites = 0
    static let handOver = 32
    /// How many writes waited for the writer thread at the last hand-over, the one of the final `drain`
    /// included (touched only by the submitting thread): a long queue means the writer is the slower side.
    private(set) var backlog = 0
    /// Seconds the submitting thread spent waiting in `drain` for queued writes (touched only by it).
    private(set) var waited: Double = 0
    /// Hands over writes their maker still holds back (`WriteStatements`' creates), first thing in `drain`
    /// and `wait(until:)`: whoever waits for the queue waits for them too. Touched only by the submitting
    /// thread.
    var beforeDrain: (() throws -> Void)?

    // Every field below is guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [() throws -> Void] = []
    private var pendingWrites = 0
    private var busy = false
    private var stopped = false
    private var failure: Error?
    /// Seconds the writer thread spent with nothing to do, from its first job on.
    private var idle: Double = 0

    /// Whether the writer thread was the slower side so far: the submitting thread waited for it longer
    /// than it waited for work.
    var writerBehind: Bool {
        condition.lock()
        defer { condition.unlock() }
        return waited > idle
    }

    init() {
        let thread = Thread { [self] in work() }
        thread.name = "recdeck-writer"
        thread.start()
    }

    /// Queues a job of `writes` writes; throws the error an earlier write met.
    /// `handNow` hands it over at once (a job whose result will be waited for, or one of many writes), not
    /// with the next 32.
    func submit(handNow: Bool = false, writes: Int = 1, _ job: @escaping () throws -> Void) throws {
        outbox.append(job)
        outboxWrites += writes
        if handNow || outbox.count >= Self.handOver { try flush() }
    }

    /// Hands the outbox to the writer thread; throws the error an earlier write met.
    private func flush() throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        pending += outbox
        pendingWrites += outboxWrites
        backlog = pendingWrites
        outbox.removeAll(keepingCapacity: true)
        outboxWrites = 0
        condition.broadcast()
    }

    /// Waits until every queued write has run, then throws the first error one met. After it returns, the
    /// caller may use the connection until its next `submit`.
    func drain() throws {
        try beforeDrain?()
        if !outbox.isEmpty { try flush() }
        condition.lock()
        defer { condition.unlock() }
        if !pending.isEmpty || busy {
            let start = Self.clock()
            while !pending.isEmpty || busy { condition.wait() }
            waited += Self.clock() - start
        }
        if let failure { throw failure }
    }

    /// Runs `change` under the pipeline's lock and wakes whoever waits in `wait(until:)`: how a job hands a
    /// result back to the submitting thread without a lock of its own.
    func publish(_ change: () -> Void) {
        condition.lock()
        change()
        condition.broadcast()
        condition.unlock()
    }

    /// Reads state that jobs `publish`, under the pipeline's lock.
    func read<T>(_ value: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return value()
    }

    /// Hands the outbox over, then waits until `done` holds (checked under the lock, so it may read what
    /// jobs `publish`), without waiting for the rest of the queue; throws the error a job met first.
    func wait(until done: () -> Bool) throws {
        try beforeDrain?()
        if !outbox.isEmpty { try flush() }
        condition.lock()
        defer { condition.unlock() }
        while !done() && failure == nil { condition.wait() }
        if !done(), let failure { throw failure }
    }

    /// Stops the thread: writes still queued are dropped (the caller is abandoning its transaction, or has
    /// drained), and it returns only once the thread no longer touches the connection.
    func stop() {
        outbox.removeAll()
        outboxWrites = 0
        condition.lock()
        defer { condition.unlock() }
        pending.removeAll()
        pendingWrites = 0
        stopped = true
        condition.broadcast()
        while busy { condition.wait() }
    }

    private func work() {
        condition.lock()
        var started = false
        while true {
            if pending.isEmpty && !stopped {
                let start = Self.clock()
                while pending.isEmpty && !stopped { condition.wait() }
                if started { idle += Self.clock() - start }
            }
            if stopped { break }
            started = true
            let jobs = pending
            pending.removeAll(keepingCapacity: true)
            pendingWrites = 0
            busy = true
            condition.unlock()
            var error: Error?
            for job in jobs {
                do { try job() } catch let e {
                    error = e
                    break
                }
            }
            condition.lock()
            busy = false
            if let error, failure == nil {
                failure = error
                pending.removeAll()
                pendingWrites = 0
            }
            condition.broadcast()
        }
        condition.unlock()
    }

    /// A monotonic clock in seconds (two reads per wait, not per write).
    private static func clock() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
