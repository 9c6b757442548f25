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
    /// Applies single-record exchanges that arrived together in one transaction (group commit); each is
    /// journaled in the same transaction as its write, and a prompt-mode conflict is parked in the queue (the
    /// journal names it). Later requests see earlier ones, as if they had come one after another. Should one
    /// of them fail (a store error, not a refused request), the group is rolled back whole and each request
    /// is applied again in its own transaction, so the failure stays its own. (No savepoint per request:
    /// their sub-journals cost more than the rare retry.) Bulk exchanges (a process of their own) are refused
    /// here: `perform` applies them.
    public func serve(_ requests: [ServedRequest], source: WriteSource) throws -> [Result<
        ExchangeOutcome, ServeFailure
    >] {
        precondition(!requests.contains { $0.exchange.dialect.answersWithProcess }, "bulk exchanges go to perform")
        if let together = try? writeTransaction(
            "serve",
            { db in
                try requests.map { try served($0, source: source, db) }
            })
        {
            return together.map { .success($0) }
        }
        return requests.map { request in
            do {
                return .success(try writeTransaction("serve") { db in try served(request, source: source, db) })
            } catch {
                return .failure(ServeFailure(message: "\(error)"))
            }
        }
    }

    /// One served request applied and journaled inside the caller's transaction.
    private func served(_ request: ServedRequest, source: WriteSource, _ db: Database) throws -> ExchangeOutcome {
        let answer = try single(request.exchange, apply: true, source: source, parkConflicts: true, db)
        var entry = request.journal(answer.outcome)
        entry.conflictID = answer.conflictID
        try appendRequest(entry, db)
        return answer.outcome
    }
}
