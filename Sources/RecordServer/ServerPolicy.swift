import Foundation
import RecordCore

/// What `recdeck serve` does besides answering (DESIGN §8): a token bucket per credential, added latency,
/// and seeded faults. None of them writes: a refused request never reaches the store.
public struct ServerPolicy: Sendable {
    /// Requests per second per credential (the bucket holds as many); nil: no limit.
    public var rateLimit: Int?
    /// Milliseconds added before each answer: fixed, or uniform in a range.
    public var latency: ClosedRange<Int>?
    /// Dialect → the status a fraction of its requests fail with.
    public var faults: [String: (status: Int, fraction: Double)]
    /// Seeds latency and faults, so a run repeats: the n-th request of a dialect fails or not the same way.
    public var seed: UInt64

    public init(
        rateLimit: Int? = nil, latency: ClosedRange<Int>? = nil,
        faults: [String: (status: Int, fraction: Double)] = [:],
        seed: UInt64 = 0
    ) {
        self.rateLimit = rateLimit; self.latency = latency; self.faults = faults; self.seed = seed
    }
}

/// The policy's state across requests (buckets, per-dialect counters), behind one lock.
final class PolicyState: @unchecked Sendable {
    let policy: ServerPolicy
    let journalBodyLimit: Int
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Date)] = [:]
    private var counters: [String: UInt64] = [:]

    init(_ policy: ServerPolicy, journalBodyLimit: Int = JournalEntry.bodyLimit) {
        self.policy = policy; self.journalBodyLimit = journalBodyLimit
    }

    /// Takes a token for `credential`: allowed or not, the tokens left, and when to retry (seconds).
    func take(_ credential: String, now: Date = Date()) -> (allowed: Bool, remaining: Int, retryAfter: Int)? {
        guard let limit = policy.rateLimit else { return nil }
        return lock.withLock {
            var (tokens, at) = buckets[credential] ?? (Double(limit), now)
            tokens = min(Double(limit), tokens + now.timeIntervalSince(at) * Double(limit))
            let allowed = tokens >= 1
            if allowed { tokens -= 1 }
            buckets[credential] = (tokens, now)
            let retry = allowed ? 0 : Int(((1 - tokens) / Double(limit)).rounded(.up))
            return (allowed, Int(tokens), max(allowed ? 0 : 1, retry))
        }
    }

    /// The fault status this request of `dialect` fails with, if any, and the latency to add (ms).
    func draw(_ dialect: String) -> (fault: Int?, latency: Int) {
        let n = lock.withLock { () -> UInt64 in
            let n = counters[dialect, default: 0]
            counters[dialect] = n + 1
            return n
        }
        // One deterministic number per (seed, dialect, n): the same run fails in the same places.
        var h = policy.seed ^ 0x9E37_79B9_7F4A_7C15
        for b in dialect.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let a = mix(h ^ n), b = mix(a)
        var fault: Int?
        if let f = policy.faults[dialect], Double(a >> 11) / Double(1 << 53) < f.fraction { fault = f.status }
        var latency = 0
        if let range = policy.latency {
            latency = range.lowerBound + Int(b % UInt64(range.upperBound - range.lowerBound + 1))
        }
        return (fault, latency)
    }
}
