/// A conformance scenario (DESIGN §4): given types and records, run steps and check expectations.
public struct Scenario: Sendable {
    public var name: String
    public var types: [ObjectType]
    /// Initial records in the unified shape.
    public var records: [JSONValue]
    public var steps: [ScenarioStep]

    /// Reads a scenario file: a JSON array of scenarios.
    public static func loadFile(_ value: JSONValue, file: String) throws(SchemaError) -> [Scenario] {
        guard let list = value.arrayValue else {
            throw SchemaError("\(file): a scenario file is a JSON array of scenarios")
        }
        var out: [Scenario] = []
        for (i, s) in list.enumerated() {
            let r = try JSONReader(s, context: "\(file)[\(i)]")
            let name = try r.requiredString("name")
            var types: [ObjectType] = []
            for t in try r.array("types") ?? [] {
                do { types.append(try ObjectType(json: t)) } catch {
                    throw SchemaError("\(file): scenario \"\(name)\": \(error)")
                }
            }
            var steps: [ScenarioStep] = []
            for (n, st) in (try r.array("steps") ?? []).enumerated() {
                let sr = try JSONReader(st, context: "\(file): scenario \"\(name)\" step \(n + 1)")
                guard let req = sr.object["request"] else { throw SchemaError("\(sr.context): request is required") }
                let rr = try JSONReader(req, context: "\(sr.context).request")
                var query: [(String, String)] = []
                if let q = rr.object["query"]?.objectValue {
                    for k in q.keys.sorted() { query.append((k, q[k]!.plainText)) }
                }
                let modeText = try sr.string("mode") ?? "apply"
                guard modeText == "apply" || modeText == "plan" else {
                    throw SchemaError("\(sr.context).mode must be plan or apply")
                }
                steps.append(
                    ScenarioStep(
                        dialect: try rr.string("dialect") ?? "native", type: try rr.string("type"),
                        query: query, body: rr.object["body"] ?? .object([:]), previewOnly: modeText == "plan",
                        expect: sr.object["expect"] ?? .object([:])))
            }
            out.append(Scenario(name: name, types: types, records: try r.array("records") ?? [], steps: steps))
        }
        return out
    }
}

/// One step: a request in some dialect, plan or apply, and what to expect.
public struct ScenarioStep: Sendable {
    public var dialect: String
    /// The path's type parameter; nil when the dialect names the type in the body (Voxworks).
    public var type: String?
    public var query: [(String, String)]
    public var body: JSONValue
    /// `mode: plan`: preview only, the store must not change.
    public var previewOnly: Bool
    public var expect: JSONValue
}
