/// A request as an API receives it: the path's type parameter, the query string and the parsed body.
public struct DialectRequest: Sendable {
    /// The type named by the path (`/objects/{slug}`); nil when the dialect names it in the body.
    public var type: String?
    public var query: [(String, String)]
    public var body: JSONValue

    public init(type: String?, query: [(String, String)] = [], body: JSONValue) {
        self.type = type; self.query = query; self.body = body
    }

    /// Parses raw body bytes: over 1 MiB is refused (413) before parsing; malformed JSON is a 400
    /// naming the line and column.
    public init(type: String?, query: [(String, String)] = [], bytes: [UInt8]) throws(RequestError) {
        self.init(type: type, query: query, body: try Limits.parseBody(bytes))
    }

    /// The last value given for a query parameter.
    public func query(_ key: String) -> String? { query.last { $0.0 == key }?.1 }
}

/// A native response: the API's status code and body.
public struct NativeResponse: Sendable, Equatable {
    public var status: Int
    public var body: JSONValue
    public init(status: Int, body: JSONValue) { self.status = status; self.body = body }
}

/// One unified request decoded from a native request, with the warnings decoding raised.
public struct DecodedItem: Sendable {
    /// The request, or why this item (of a batch) could not be decoded.
    public var request: Result<UpsertRequest, RequestError>
    /// Warnings to attach to the item's plan (bulk: unknown attributes ignored).
    public var warnings: [String]
    /// The item's native JSON, kept when a conflict is parked in the queue.
    public var body: JSONValue
    public init(request: Result<UpsertRequest, RequestError>, warnings: [String] = [], body: JSONValue) {
        self.request = request; self.warnings = warnings; self.body = body
    }
}

/// What a native request decodes to: one item, or (bulk) many applied in order.
public struct DecodedBatch: Sendable {
    public var items: [DecodedItem]
    /// All items or none (bulk `atomic: true`).
    public var atomic: Bool
    public init(items: [DecodedItem], atomic: Bool = false) { self.items = items; self.atomic = atomic }
}

/// An API's upsert dialect: decodes its native request to unified requests and encodes the plans as
/// its native response. It only translates: every decision comes from the one planner.
public protocol Dialect: Sendable {
    /// The `--dialect` name.
    var name: String { get }
    /// The endpoint it stands for, for help text (`PUT /objects/{slug}`).
    var endpoint: String { get }
    /// True when one request carries many records and is answered with a process id (bulk).
    var answersWithProcess: Bool { get }
    /// True when the body names the type (Voxworks' `type_name`), so a caller need not give one.
    var namesTypeInBody: Bool { get }
    /// True when the native response is the plan itself (recdeck's own dialect).
    var respondsWithPlan: Bool { get }
    /// The type key the request addresses (path parameter or body), nil when it names none.
    func typeKey(of request: DialectRequest) -> String?
    /// Decodes the request for `type` (nil: no such type). A failure refuses the whole request.
    func decode(_ request: DialectRequest, type: ObjectType?) -> Result<DecodedBatch, RequestError>
    /// The native response to the items' plans (a refused request: its one refusing plan).
    func response(to plans: [Plan], request: DialectRequest, type: ObjectType?, processID: String?) -> NativeResponse
    /// One item's result as the dialect reports it per record (bulk process results).
    func itemResult(_ plan: Plan, index: Int) -> JSONValue
    /// The request the upsert composer starts from for a type: with an `example` record its lookup holds
    /// that record's value (so it previews an update of it), else an empty value (a create).
    func template(for type: ObjectType, example: Record?) -> DialectTemplate
}

extension Dialect {
    public var answersWithProcess: Bool { false }
    public var namesTypeInBody: Bool { false }
    public var respondsWithPlan: Bool { false }
    public func itemResult(_ plan: Plan, index: Int) -> JSONValue { plan.json }
}

/// A dialect whose request carries exactly one record.
public protocol SingleRecordDialect: Dialect {
    /// Decodes the one record's request.
    func decodeOne(_ request: DialectRequest, type: ObjectType?) throws(RequestError) -> UpsertRequest
    /// The native response to its plan.
    func response(to plan: Plan, request: DialectRequest, type: ObjectType?) -> NativeResponse
    /// Warnings about an accepted request (a deprecated member), added to its plan.
    func warnings(for request: DialectRequest) -> [String]
}

extension SingleRecordDialect {
    public func warnings(for request: DialectRequest) -> [String] { [] }

    public func decode(_ request: DialectRequest, type: ObjectType?) -> Result<DecodedBatch, RequestError> {
        Result { () throws(RequestError) -> DecodedBatch in
            DecodedBatch(items: [
                DecodedItem(
                    request: .success(try decodeOne(request, type: type)), warnings: warnings(for: request),
                    body: request.body)
            ])
        }
    }

    public func response(to plans: [Plan], request: DialectRequest, type: ObjectType?, processID: String?)
        -> NativeResponse
    {
        response(
            to: plans.first ?? .invalid([FieldError(field: "body", message: "no request")]), request: request,
            type: type)
    }
}

/// Every dialect recdeck speaks, by name.
public enum Dialects {
    public static let all: [any Dialect] = [
        NativeDialect(), VoxworksDialect(), KizenDialect(), NexDialect(), ZendeskDialect(), BulkDialect(),
    ]

    public static func named(_ name: String) -> (any Dialect)? { all.first { $0.name == name } }

    public static var names: [String] { all.map(\.name) }
}

extension Dialect {
    /// The type a request path names, read by the endpoint's `{…}` segment counted from the path's end
    /// (so a prefix such as Nex's `/api/developers/v1` does not matter); nil when the body names it.
    public func typeKey(inPath path: String) -> String? {
        let pattern = endpoint.split(separator: " ").dropFirst().first.map { $0.split(separator: "?")[0] } ?? ""
        let patternParts = pattern.split(separator: "/")
        guard let at = patternParts.lastIndex(where: { $0.hasPrefix("{") }) else { return nil }
        let fromEnd = patternParts.count - 1 - at
        let parts = path.split(separator: "?")[0].split(separator: "/")
        guard parts.count > fromEnd else { return nil }
        return String(parts[parts.count - 1 - fromEnd])
    }
}
