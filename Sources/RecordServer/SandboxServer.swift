import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RecordCore
import RecordStore

/// `recdeck serve` (DESIGN §8): the five APIs on their own paths, and the native one, over one store.
/// This target only adapts HTTP: each route hands the request's bytes, path type and query to the one
/// `Exchange`, the store plans (and applies) it off the event loop, and the dialect's status and
/// envelope go back as they are. Every request is journaled.
public struct SandboxServer: Sendable {
    public let store: RecordStore
    public let host: String
    public let port: Int
    /// With tokens, each dialect checks its own credential form (`Credentials`) and refuses others (401).
    public let tokens: [String]
    public let policy: ServerPolicy
    /// Request bodies are journaled up to this many bytes.
    public let journalBodyLimit: Int
    /// A connection that sends nothing for this long (an unfinished body included) is closed.
    public let clientTimeout: Duration

    public init(
        store: RecordStore, host: String = "127.0.0.1", port: Int = 8080, tokens: [String] = [],
        policy: ServerPolicy = ServerPolicy(), journalBodyLimit: Int = JournalEntry.bodyLimit,
        clientTimeout: Duration = .seconds(30)
    ) {
        self.store = store; self.host = host; self.port = port; self.tokens = tokens; self.policy = policy
        self.journalBodyLimit = journalBodyLimit; self.clientTimeout = clientTimeout
    }

    /// The routes: method, path (with `:parameter`s), and the dialect that answers it (nil: a read route).
    static let exchangeRoutes: [(method: HTTPRequest.Method, path: String, dialect: String, typeParameter: String?)] = [
        (.post, "/api/v1/upsert-object", "voxworks", nil),
        (.post, "/api/records/:object_identifier/upsert", "kizen", "object_identifier"),
        (.put, "/api/developers/v1/objects/:slug", "nex", "slug"),
        (.patch, "/api/v2/custom_objects/:custom_object_key/records", "zendesk", "custom_object_key"),
        (.post, "/objects/:object_type/batch/upsert", "bulk", "object_type"),
        (.post, "/types/:type/upsert", "native", "type"),
    ]

    /// Every route the server answers (for 405's `Allow`).
    static let allRoutes: [(method: HTTPRequest.Method, path: String)] =
        exchangeRoutes.map { ($0.method, $0.path) } + [
            (.get, "/processes/:processId"), (.get, "/types"), (.get, "/types/:type/records"),
            (.get, "/types/:type/records/:id"), (.get, "/__recdeck/health"), (.get, "/openapi.json"),
            (.get, "/__recdeck/requests"), (.delete, "/__recdeck/requests"), (.post, "/__recdeck/reset"),
        ]

    /// Serves until SIGINT or SIGTERM (requests in flight finish); `onListening` gets the address.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        let router = Router()
        router.add(middleware: FallbackMiddleware(routes: Self.allRoutes))
        let store = self.store, tokens = self.tokens
        let state = PolicyState(policy, journalBodyLimit: journalBodyLimit)
        let committer = GroupCommitter(store: store, source: WriteSource("serve"))
        for route in Self.exchangeRoutes {
            guard let dialect = Dialects.named(route.dialect) else { continue }
            router.on(RouterPath(route.path), method: route.method) { request, context -> Response in
                let type = route.typeParameter.flatMap { context.parameters.get($0) }
                return try await Self.exchange(
                    dialect, type: type, request: request, store: store, tokens: tokens, state: state,
                    committer: committer)
            }
        }
        router.get("/processes/:processId") { _, context -> Response in
            let id = context.parameters.get("processId") ?? ""
            guard let process = try await Self.offLoop({ try store.process(id: id) }) else {
                return Self.json(404, ["error": .string("no bulk process \"\(id)\"")])
            }
            return Self.json(200, process.json)
        }
        router.get("/types") { _, _ -> Response in
            let types = try await Self.offLoop { try store.types() }
            return Self.json(
                200,
                .array(
                    types.map {
                        [
                            "key": .string($0.type.key), "active": .int(Int64($0.active)),
                            "archived": .int(Int64($0.archived)), "pending_conflicts": .int(Int64($0.pendingConflicts)),
                        ]
                    }))
        }
        router.get("/types/:type/records") { request, context -> Response in
            let type = context.parameters.get("type") ?? ""
            let q = request.uri.queryParameters
            return try await Self.offLoop {
                try RecordListing.answer(
                    store: store, type: type, after: q.get("after"), limit: q.get("limit"), filter: q.get("filter"))
            }
        }
        router.get("/types/:type/records/:id") { _, context -> Response in
            let type = context.parameters.get("type") ?? "", id = context.parameters.get("id") ?? ""
            guard let record = try await Self.offLoop({ try store.findRecord(type: type, key: id) }) else {
                return Self.json(404, ["error": .string("no \(type) record \"\(id)\"")])
            }
            return Self.json(200, record.json)
        }
        router.get("/__recdeck/health") { _, _ -> Response in Self.json(200, ["status": "ok"]) }
        let document = OpenAPIDocument.make(tokens: !tokens.isEmpty)
        router.get("/openapi.json") { _, _ -> Response in Self.json(200, document) }
        router.get("/__recdeck/requests") { request, _ -> Response in
            let after = request.uri.queryParameters.get("after").flatMap { Int64($0) }
            let entries = try await Self.offLoop { try store.requests(after: after, limit: 1000) }
            return Self.json(200, .array(entries.map(\.json)))
        }
        router.delete("/__recdeck/requests") { _, _ -> Response in
            try await Self.offLoop { try store.clearRequests() }
            return Self.json(200, ["cleared": true])
        }
        let start = try store.makeResetPoint()
        router.post("/__recdeck/reset") { _, _ -> Response in
            try await Self.offLoop { try store.reset(to: start) }
            return Self.json(200, ["reset": true])
        }
        let host = self.host, port = self.port
        // recdeck prints its own address line; Hummingbird's logger speaks only of problems.
        var logger = Logger(label: "recdeck")
        logger.logLevel = .warning
        let app = Application(
            router: router, server: .http1(configuration: .init(idleTimeout: .init(clientTimeout))),
            configuration: .init(address: .hostname(host, port: port), serverName: "recdeck"),
            onServerRunning: { channel in
                onListening("http://\(host):\(channel.localAddress?.port ?? port)")
            }, logger: logger)
        do { try await app.runService() } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw PortInUse(host: host, port: port)
        }
    }

    /// The address is taken (another server?): nothing was served.
    public struct PortInUse: Error, CustomStringConvertible {
        public let host: String
        public let port: Int
        public var description: String {
            "cannot listen on \(host):\(port): the port is in use (another server?); choose another with --port"
        }
    }

    /// One exchange: the body read up to 1 MiB (a larger one is refused 413 in the dialect's envelope
    /// without being read further), planned and applied by the store off the event loop, then
    /// journaled.
    static func exchange(
        _ dialect: any Dialect, type: String?, request: Request, store: RecordStore, tokens: [String],
        state: PolicyState, committer: GroupCommitter
    ) async throws -> Response {
        let started = Date()
        var request = request
        let headers = request.headers.map { ($0.name.rawName, $0.value) }
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        var bytes: [UInt8] = []
        let exchange: Exchange
        do {
            bytes = Array(buffer: try await request.collectBody(upTo: Limits.maxBodyBytes))
            exchange = Exchange(dialect, type: type, query: query, bytes: bytes)
        } catch is NIOTooManyBytesError {
            // Over the limit: refused in the dialect's envelope, the rest of the body never read.
            exchange = Exchange(dialect, type: type, query: query, unreadable: Limits.bodyTooLarge)
        }
        // (Any other error is a client that went away mid-body: nothing to answer, nothing journaled.)
        var extraHeaders: HTTPFields = [:]
        let credential =
            headers.first { ["authorization", "x-api-key", "api-key"].contains($0.0.lowercased()) }?.1 ?? ""
        let bucket = state.take(credential)
        if let bucket, let limit = state.policy.rateLimit {
            extraHeaders[HTTPField.Name("X-RateLimit-Limit")!] = String(limit)
            extraHeaders[HTTPField.Name("X-RateLimit-Remaining")!] = String(bucket.remaining)
        }
        let draw = state.draw(dialect.name)
        if draw.latency > 0 { try await Task.sleep(nanoseconds: UInt64(draw.latency) * 1_000_000) }
        // How the outcome is journaled: credentials redacted, the body up to the limit.
        let method = request.method.rawValue, path = request.uri.path, queryText = request.uri.query ?? ""
        let redacted = JournalEntry.redacted(headers), limit = state.journalBodyLimit
        let body = String(decoding: bytes.prefix(limit), as: UTF8.self)
        let journal: @Sendable (ExchangeOutcome) -> JournalEntry = { outcome in
            JournalEntry(
                at: started, dialect: dialect.name, method: method, path: path, query: queryText, headers: redacted,
                body: body, status: outcome.response.status, response: outcome.response.body.jsonText,
                decision: outcome.plans.first?.decision.rawValue,
                recordID: outcome.plans.first.flatMap { $0.record?.id ?? $0.match?.id },
                processID: outcome.processID, milliseconds: Date().timeIntervalSince(started) * 1000)
        }
        let refusal: ExchangeOutcome?
        if let refused = Credentials.refusal(dialect: dialect.name, headers: headers, tokens: tokens) {
            // Refused before the store is touched: nothing written, the answer in the dialect's envelope.
            refusal = exchange.refusal(.invalid([refused], status: 401), type: nil)
        } else if let bucket, !bucket.allowed {
            extraHeaders[.retryAfter] = String(bucket.retryAfter)
            refusal = exchange.refusal(
                .invalid(
                    [FieldError(field: "rate", message: "Too many requests; retry after \(bucket.retryAfter) s")],
                    status: 429),
                type: nil)
        } else if let fault = draw.fault {
            refusal = exchange.refusal(
                .invalid([FieldError(field: "fault", message: "injected fault (--fault)")], status: fault), type: nil)
        } else {
            refusal = nil
        }
        let outcome: ExchangeOutcome
        if let refusal {
            outcome = refusal
            try? await offLoop { try store.appendRequest(journal(refusal)) }
        } else if dialect.answersWithProcess {
            // A bulk process is a transaction of its own; its journal entry follows it.
            do {
                outcome = try await offLoop { try store.perform(exchange, apply: true, source: WriteSource("serve")) }
            } catch {
                return json(503, ["error": .string("\(error)")])
            }
            try? await offLoop { try store.appendRequest(journal(outcome)) }
        } else {
            // Applied and journaled in one transaction, grouped with the requests that arrived with it.
            switch await committer.submit(ServedRequest(exchange: exchange, journal: journal)) {
            case .success(let o): outcome = o
            case .failure(let e): return json(503, ["error": .string(e.message)])
            }
        }
        return json(outcome.response.status, outcome.response.body, headers: extraHeaders)
    }

    static func json(_ status: Int, _ body: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.jsonText)))
    }

    /// Store work runs on a dispatch queue, never on the event loop.
    static func offLoop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
