/// The first result stored for an idempotency key.
public struct IdempotencyEntry: Sendable, Equatable {
    public var type: String
    public var fingerprint: String
    public var decision: Decision
    public var recordID: String?
    public init(type: String, fingerprint: String, decision: Decision, recordID: String?) {
        self.type = type; self.fingerprint = fingerprint; self.decision = decision; self.recordID = recordID
    }
}

/// What the planner may ask of the current state. The store answers inside its write transaction;
/// tests answer from memory. Planning stays a pure function of the request, the type and these answers.
public protocol RecordLookup {
    /// Records of `type` holding the normalised identifier value, active and archived, in insertion order.
    func records(type: String, identifier: String, value: String) throws -> [Record]
    /// Records of `type` for which `matching` holds, oldest first (a full scan).
    func scan(type: String, matching: (Record) -> Bool) throws -> [Record]
    /// The record with this id, if any.
    func record(id: String) throws -> Record?
    /// The stored result of an idempotency key, if any.
    func idempotencyEntry(key: String) throws -> IdempotencyEntry?
    /// The number the next autonumbered name of `type` takes.
    func nextAutonumber(type: String) throws -> Int
    /// Fetches the records holding each of `keys` at once, so the probes planning a batch makes (its
    /// `Planner.probeKeys`) are answered from memory (a store answers with one `IN (…)` query). Only saves
    /// work: a key not fetched is still probed on its own.
    func prefetch(type: String, keys: [IdentifierKey]) throws
}

extension RecordLookup {
    /// Fetches nothing: every probe goes to `records`.
    public func prefetch(type: String, keys: [IdentifierKey]) throws {}
}
