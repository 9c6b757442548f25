import Foundation

/// One API exchange (DESIGN §1): a native request decoded by its dialect into unified requests, each
/// planned, and the plans encoded as the dialect's native response. It is transport-free and does no
/// I/O: a store reads the type and plans (or applies) the decoded items inside one transaction, then
/// asks the exchange for its answer. The CLI, the scenario runner, the TUI composer and resolver and
/// the HTTP server all go through it.
public struct Exchange: Sendable {
    public let dialect: any Dialect
    public let request: DialectRequest
    /// Why the body could not be read (413 over 1 MiB, 400 malformed); such a request is refused whole
    /// before the store is touched.
    public let unreadable: RequestError?

    /// An exchange over an already parsed body.
    public init(_ dialect: any Dialect, _ request: DialectRequest) {
        self.dialect = dialect; self.request = request; self.unreadable = nil
    }

    /// An exchange over raw body bytes, as a transport receives them.
    public init(_ dialect: any Dialect, type: String?, query: [(String, String)] = [], bytes: [UInt8]) {
        self.dialect = dialect
        do throws(RequestError) {
            request = try DialectRequest(type: type, query: query, bytes: bytes)
            unreadable = nil
        } catch {
            request = DialectRequest(type: type, query: query, body: .null)
            unreadable = error
        }
    }

    /// An exchange whose body the transport could not take (`Limits.bodyTooLarge`: it stopped reading at
    /// the limit); it is refused whole in the dialect's envelope.
    public init(_ dialect: any Dialect, type: String?, query: [(String, String)] = [], unreadable: RequestError) {
        self.dialect = dialect
        request = DialectRequest(type: type, query: query, body: .null)
        self.unreadable = unreadable
    }

    /// The answer to a body that could not be read: nothing needs the store to refuse it.
    public var unreadableRefusal: ExchangeOutcome? {
        unreadable.map { refusal(.invalid($0), type: nil) }
    }

    /// The type the request addresses (its path, or for a dialect naming it in the body, the body).
    public var typeKey: String? { unreadable == nil ? dialect.typeKey(of: request) : request.type }

    /// What decoding gave: the items to plan, or the answer refusing the whole request.
    public enum Decoding: Sendable {
        case items(DecodedBatch)
        case refused(ExchangeOutcome)
    }

    /// The items to plan against `type` (nil: no such type), or the answer refusing the whole request.
    public func decode(type: ObjectType?) -> Decoding {
        if let unreadableRefusal { return .refused(unreadableRefusal) }
        switch dialect.decode(request, type: type) {
        case .failure(let e): return .refused(refusal(.invalid(e), type: type))
        case .success(let batch) where batch.items.isEmpty:
            return .refused(refusal(.invalid([FieldError(field: "body", message: "no request")]), type: type))
        case .success(let batch): return .items(batch)
        }
    }

    /// The one unified request of a single-record exchange (a parked conflict, the composer's resolver).
    public func singleRequest(type: ObjectType?) -> Result<UpsertRequest, RequestError> {
        switch decode(type: type) {
        case .refused(let refused):
            return .failure(RequestError(refused.plans.first?.errors ?? []))
        case .items(let batch):
            guard batch.items.count == 1 else {
                return .failure(RequestError(field: "body", "the request holds \(batch.items.count) records, not one"))
            }
            return batch.items[0].request
        }
    }

    /// The answer to the decoded items' plans. `processID` for a dialect answering with a process;
    /// `committed` is false for a preview and for an atomic batch that was rolled back.
    public func answer(
        _ plans: [Plan], items: [DecodedItem], type: ObjectType?, processID: String?, committed: Bool
    ) -> ExchangeOutcome {
        let results = plans.enumerated().map { i, plan -> JSONValue in
            var result = dialect.itemResult(plan, index: i)
            if dialect.answersWithProcess, case .object(var o) = result {
                o["applied"] = .bool(committed && plan.decision.writes)
                result = .object(o)
            }
            return result
        }
        return ExchangeOutcome(
            dialect: dialect, plans: plans,
            response: dialect.response(to: plans, request: request, type: type, processID: processID),
            results: results, requests: items.map { try? $0.request.get() }, processID: processID, refused: false,
            committed: committed)
    }

    /// The answer refusing the whole request with one plan.
    public func refusal(_ plan: Plan, type: ObjectType?) -> ExchangeOutcome {
        ExchangeOutcome(
            dialect: dialect, plans: [plan],
            response: dialect.response(to: [plan], request: request, type: type, processID: nil), results: [],
            requests: [], processID: nil, refused: true, committed: false)
    }

    /// A new process id (`proc_` + a time-ordered UUIDv7).
    public static func newProcessID(now: Date, random: inout some RandomNumberGenerator) -> String {
        "proc_" + RecordID.make(now: now, random: &random)
    }
}

/// What one exchange did: the plan of each item, the native response, and for a process its id.
public struct ExchangeOutcome: Sendable {
    public var dialect: any Dialect
    /// One plan per item (a refused request: its one refusing plan).
    public var plans: [Plan]
    public var response: NativeResponse
    /// Each item's result as the dialect reports it per record.
    public var results: [JSONValue]
    /// Each item's unified request (nil where the item could not be decoded); empty when refused.
    public var requests: [UpsertRequest?]
    /// The process id (nil for single-record dialects and refused requests).
    public var processID: String?
    /// True when the whole request was refused before any item was planned.
    public var refused: Bool
    /// False for a preview, or an atomic batch that was rolled back.
    public var committed: Bool

    public init(
        dialect: any Dialect, plans: [Plan], response: NativeResponse, results: [JSONValue], requests: [UpsertRequest?],
        processID: String?, refused: Bool, committed: Bool
    ) {
        self.dialect = dialect; self.plans = plans; self.response = response; self.results = results
        self.requests = requests; self.processID = processID; self.refused = refused; self.committed = committed
    }
}
