/// A starting request for the upsert composer: the query string and body a dialect expects for a type.
public struct DialectTemplate: Sendable {
    public var query: [(String, String)]
    public var body: JSONValue
    public init(query: [(String, String)] = [], body: JSONValue) { self.query = query; self.body = body }
}

extension ObjectType {
    /// The first identifier read from data (`$.x`), its field key and a skeleton data object holding it.
    var templateData: (field: String?, data: JSONValue) {
        for id in identifiers {
            if case .data(let p) = id.source, p.segments.count == 1, case .key(let k) = p.segments[0] { return (k, .object([k: ""])) }
        }
        return (nil, .object([:]))
    }
}

