import Foundation

/// One request the sandbox server answered (DESIGN §8), as the journal keeps it: credentials redacted,
/// the body up to `bodyLimit`.
public struct JournalEntry: Sendable, Equatable {
    public var id: Int64?
    public var at: Date
    public var dialect: String
    public var method: String
    public var path: String
    public var query: String
    /// Header name → value, credentials replaced by `[redacted]`.
    public var headers: [String: String]
    public var body: String
    public var status: Int
    public var response: String
    public var decision: String?
    public var recordID: String?
    public var processID: String?
    public var milliseconds: Double
    /// The conflict a prompt-mode request was parked as, and (once resolved) what was chosen.
    public var conflictID: Int64?
    public var resolution: String?

    /// Bodies are kept up to this many bytes.
    public static let bodyLimit = 64 * 1024

    public init(
        id: Int64? = nil, at: Date, dialect: String, method: String, path: String, query: String,
        headers: [String: String], body: String, status: Int, response: String, decision: String?,
        recordID: String?, processID: String?, milliseconds: Double, conflictID: Int64? = nil,
        resolution: String? = nil
    ) {
        self.id = id; self.at = at; self.dialect = dialect; self.method = method; self.path = path
        self.query = query; self.headers = headers; self.body = body; self.status = status
        self.response = response; self.decision = decision; self.recordID = recordID
        self.processID = processID; self.milliseconds = milliseconds
        self.conflictID = conflictID; self.resolution = resolution
    }

    /// The conflict the request parked, if any: "conflict #4 pending" or "conflict #4 resolved: unarchive".
    public var conflictSummary: String? {
        guard let id = conflictID else { return nil }
        return resolution.map { "conflict #\(id) resolved: \($0)" } ?? "conflict #\(id) pending"
    }

    /// Headers that carry credentials, whatever their case.
    static let secret: Set<String> = ["authorization", "x-api-key", "api-key", "cookie", "proxy-authorization"]

    /// The headers with every credential replaced by `[redacted]`.
    public static func redacted(_ headers: [(String, String)]) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in headers {
            out[name] = secret.contains(name.lowercased()) ? "[redacted]" : value
        }
        return out
    }

    public var json: JSONValue {
        var headersJSON: JSONObject = [:]
        for (k, v) in headers { headersJSON[k] = .string(v) }
        return [
            "id": id.map { .int($0) } ?? .null, "at": .string(Timestamp.format(at)), "dialect": .string(dialect),
            "method": .string(method), "path": .string(path), "query": .string(query),
            "headers": .object(headersJSON), "body": .string(body), "status": .int(Int64(status)),
            "response": (try? JSONValue.parse(response)) ?? .string(response),
            "decision": decision.map(JSONValue.string) ?? .null, "record_id": recordID.map(JSONValue.string) ?? .null,
            "process_id": processID.map(JSONValue.string) ?? .null, "ms": .double((milliseconds * 10).rounded() / 10),
            "conflict_id": conflictID.map { .int($0) } ?? .null,
            "resolution": resolution.map(JSONValue.string) ?? .null,
        ]
    }
}
