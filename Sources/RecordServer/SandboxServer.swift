import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
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

    public init(
        store: RecordStore, host: String = "127.0.0.1", port: Int = 8080, tokens: [String] = [],
        policy: ServerPolicy = ServerPolicy()
    ) {
        self.store = store; self.host = host; self.port = port; self.tokens = tokens; self.policy = policy
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

    /// Serves until SIGINT or SIGTERM (requests in flight finish); `onListening` gets the address.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        let router = Router()
        let store = self.store, tokens = self.tokens, state = PolicyState(policy)
        for route in Self.exchangeRoutes {
            guard let dialect = Dialects.named(route.dialect) else { continue }
            router.on(RouterPath(route.path), method: route.method) { request, context -> Response in
                let type = route.typeParameter.flatMap { context.parameters.get($0) }
                return try await Self.exchange(
                    dialect, type: type, request: request, store: store, tokens: tokens, state: state)
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
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "recdeck"),
            onServerRunning: { channel in
                onListening("http://\(host):\(channel.localAddress?.port ?? port)")
            })
        try await app.runService()
    }

    /// One exchange: the body read up to one byte past 1 MiB (a larger one is refused 413 in the dialect's
    /// envelope without being read further), planned and applied by the store off the event loop, then
    /// journaled.
    static func exchange(
        _ dialect: any Dialect, type: String?, request: Request, store: RecordStore, tokens: [String],
        state: PolicyState
    ) async throws -> Response {
        let started = Date()
        var request = request
        let headers = request.headers.map { ($0.name.rawName, $0.value) }
        var bytes: [UInt8]
        do {
            let buffer = try await request.collectBody(upTo: Limits.maxBodyBytes)
            bytes = Array(buffer: buffer)
        } catch {
            // Over the limit: the exchange refuses a body of more than 1 MiB before parsing it.
            bytes = [UInt8](repeating: 0x20, count: Limits.maxBodyBytes + 1)
        }
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let exchange = Exchange(dialect, type: type, query: query, bytes: bytes)
        let outcome: ExchangeOutcome
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
        if let refusal = Credentials.refusal(dialect: dialect.name, headers: headers, tokens: tokens) {
            // Refused before the store is touched: nothing written, the answer in the dialect's envelope.
            outcome = exchange.refusal(.invalid([refusal], status: 401), type: nil)
        } else if let bucket, !bucket.allowed {
            extraHeaders[.retryAfter] = String(bucket.retryAfter)
            outcome = exchange.refusal(
                .invalid(
                    [FieldError(field: "rate", message: "Too many requests; retry after \(bucket.retryAfter) s")],
                    status: 429),
                type: nil)
        } else if let fault = draw.fault {
            outcome = exchange.refusal(
                .invalid([FieldError(field: "fault", message: "injected fault (--fault)")], status: fault), type: nil)
        } else {
            do {
                outcome = try await offLoop { try store.perform(exchange, apply: true, source: WriteSource("serve")) }
            } catch {
                return json(503, ["error": .string("\(error)")])
            }
        }
        let entry = JournalEntry(
            at: started, dialect: dialect.name, method: request.method.rawValue, path: request.uri.path,
            query: request.uri.query ?? "",
            headers: JournalEntry.redacted(request.headers.map { ($0.name.rawName, $0.value) }),
            body: bytes.count > Limits.maxBodyBytes
                ? "" : String(decoding: bytes.prefix(JournalEntry.bodyLimit), as: UTF8.self),
            status: outcome.response.status, response: outcome.response.body.jsonText,
            decision: outcome.plans.first?.decision.rawValue, recordID: outcome.plans.first?.record?.id,
            processID: outcome.processID, milliseconds: Date().timeIntervalSince(started) * 1000)
        try? await offLoop { try store.appendRequest(entry) }
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
