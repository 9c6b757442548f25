import HTTPTypes
import Hummingbird
import NIOCore
import RecordCore

/// Answers what no route does in JSON: a path the server knows with another method is 405 with `Allow`;
/// any other path is 404 naming it. (Hummingbird's own answer is an empty 404 for both.)
struct FallbackMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Every route: method and path, `:name` matching one segment.
    let routes: [(method: HTTPRequest.Method, path: String)]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            let allowed = routes.filter { Self.matches($0.path, path) }.map(\.method.rawValue)
            if !allowed.isEmpty {
                var headers: HTTPFields = [.allow: Array(Set(allowed)).sorted().joined(separator: ", ")]
                headers[.contentType] = "application/json"
                return Self.answer(
                    .methodNotAllowed, "\(request.method.rawValue) is not allowed on \(path); use \(headers[.allow]!)",
                    headers)
            }
            return Self.answer(.notFound, "no route \(request.method.rawValue) \(path); GET /openapi.json lists them")
        }
    }

    static func matches(_ pattern: String, _ path: String) -> Bool {
        let p = pattern.split(separator: "/", omittingEmptySubsequences: true)
        let s = path.split(separator: "/", omittingEmptySubsequences: true)
        return p.count == s.count && zip(p, s).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
    }

    static func answer(_ status: HTTPResponse.Status, _ message: String, _ headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let body = JSONValue.object(["error": .string(message)]).jsonText
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
