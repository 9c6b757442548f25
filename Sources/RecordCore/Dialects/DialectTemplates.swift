/// A starting request for the upsert composer: the query string and body a dialect expects for a type.
public struct DialectTemplate: Sendable {
    public var query: [(String, String)]
    public var body: JSONValue
    public init(query: [(String, String)] = [], body: JSONValue) { self.query = query; self.body = body }
}

extension ObjectType {
    /// The first identifier read from a top-level data key (`$.x`), that key, and a data object holding the
    /// example record's value there (an empty string without one).
    func templateData(example: Record?) -> (field: String?, data: JSONValue) {
        for id in identifiers {
            if case .data(let p) = id.source, p.segments.count == 1, case .key(let k) = p.segments[0] {
                return (k, .object([k: example?.data[k] ?? ""]))
            }
        }
        return (nil, .object([:]))
    }

    /// The value a Kizen-style `lookup_value` takes from the example: a contact's email, else its name.
    func templateLookupValue(example: Record?) -> JSONValue {
        guard let example else { return "" }
        if kind == .contact, let email = example.data["email"] { return email }
        return example.name.map(JSONValue.string) ?? ""
    }
}
