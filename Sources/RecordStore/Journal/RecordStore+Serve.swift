import Foundation
import GRDB
import RecordCore

/// One request the sandbox server hands the store: the exchange, and how its outcome is journaled.
public struct ServedRequest: Sendable {
    public var exchange: Exchange
    /// The journal entry for an outcome (status, response, decision, duration); the store adds the parked
    /// conflict's id.
    public var journal: @Sendable (ExchangeOutcome) -> JournalEntry
    public init(exchange: Exchange, journal: @escaping @Sendable (ExchangeOutcome) -> JournalEntry) {
        self.exchange = exchange; self.journal = journal
    }
}

/// Why the store could not answer one served request (the others in its group are unaffected).
public struct ServeFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

extension RecordStore {
    /// Applies single-record exchanges that arrived together in one transaction (group commit), each in its
    /// own savepoint so one that fails leaves the others as they were; each is journaled in the same
    /// transaction as its write, and a prompt-mode conflict is parked in the queue (the journal names it).
    /// Later requests see earlier ones, as if they had come one after another. Bulk exchanges (a process
    /// of their own) are refused here: `perform` applies them.
    public func serve(_ requests: [ServedRequest], source: WriteSource) throws -> [Result<
        ExchangeOutcome, ServeFailure
    >] {
        precondition(!requests.contains { $0.exchange.dialect.answersWithProcess }, "bulk exchanges go to perform")
        return try writeTransaction("serve") { db in
            var results: [Result<ExchangeOutcome, ServeFailure>] = []
            results.reserveCapacity(requests.count)
            for served in requests {
                var answer: (outcome: ExchangeOutcome, conflictID: Int64?)?
                // A savepoint per request (its statements prepared once per connection, not per request).
                try db.cachedStatement(sql: "SAVEPOINT served").execute()
                do {
                    answer = try single(served.exchange, apply: true, source: source, parkConflicts: true, db)
                    try db.cachedStatement(sql: "RELEASE served").execute()
                } catch {
                    try db.cachedStatement(sql: "ROLLBACK TO served").execute()
                    try db.cachedStatement(sql: "RELEASE served").execute()
                    results.append(.failure(ServeFailure(message: "\(StoreError.wrap(error, path: path))")))
                    continue
                }
                var entry = served.journal(answer!.outcome)
                entry.conflictID = answer!.conflictID
                try appendRequest(entry, db)
                results.append(.success(answer!.outcome))
            }
            return results
        }
    }
}
