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
