import Foundation
import GRDB
import RecordCore

/// A failed expectation: which scenario, which step, which key, and how it differed.
public struct ScenarioFailure: Sendable, CustomStringConvertible {
    public var scenario: String
    public var step: Int
    public var key: String
    public var detail: String
    public var description: String { "scenario \"\(scenario)\", step \(step), \(key): \(detail)" }
}

/// A step naming a dialect recdeck does not speak.
public struct ScenarioUnsupported: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// What a store offers the scenario runner beyond the exchange: both stores run every scenario.
public protocol ScenarioStore: TransactionalStore {
    /// Adds or replaces a type's schema.
    func applyType(_ type: ObjectType) throws
    /// Inserts a scenario's initial records, in order.
    func seed(_ records: [JSONValue]) throws
    /// A fingerprint of the whole store's contents (every table in `snapshotTables`), to prove a preview wrote
    /// nothing.
    func snapshot() throws -> String
    /// A type's active and archived counts, if the type exists.
    func counts(type: String) throws -> (active: Int, archived: Int)?
    /// Every record of every type (small stores).
    func allRecords() throws -> [Record]
}

extension RecordStore: ScenarioStore {}

/// The tables an exchange may write, which a store's `snapshot` fingerprints.
public let snapshotTables = [
    "records", "record_keys", "revisions", "types", "idempotency_keys", "conflicts", "associations", "processes",
]

/// Runs conformance scenarios through the same dialect layer as the CLI: against fresh in-memory SQLite stores,
/// or a store the caller made fresh for each scenario (a PostgreSQL schema).
public struct ScenarioRunner: Sendable {
    public init() {}

    /// Runs one scenario on a fresh in-memory SQLite store; returns its failures (empty when it passes). Throws
    /// `ScenarioUnsupported` for an unknown dialect, or a store error.
    public func run(_ scenario: Scenario) throws -> [ScenarioFailure] {
        try run(scenario, in: RecordStore.inMemory())
    }

    /// Runs one scenario on `store`, which must be empty.
    public func run<Store: ScenarioStore>(_ scenario: Scenario, in store: Store) throws -> [ScenarioFailure] {
        for t in scenario.types { try store.applyType(t) }
        try store.seed(scenario.records)
        var failures: [ScenarioFailure] = []
        for (n, step) in scenario.steps.enumerated() {
            guard let dialect = Dialects.named(step.dialect) else {
                throw ScenarioUnsupported(
                    description:
                        "unknown dialect \"\(step.dialect)\" (scenario \"\(scenario.name)\", step \(n + 1)); known: \(Dialects.names.joined(separator: ", "))"
                )
            }
            let before = step.previewOnly ? try store.snapshot() : nil
            let request = DialectRequest(type: step.type, query: step.query, body: step.body)
            let exchange = try store.perform(
                Exchange(dialect, request), apply: !step.previewOnly, source: WriteSource("scenario"))
            if let before, try store.snapshot() != before {
                failures.append(
                    ScenarioFailure(
                        scenario: scenario.name, step: n + 1, key: "mode", detail: "a plan-mode step changed the store")
                )
            }
            for d in try check(step.expect, exchange: exchange, store: store) {
                failures.append(ScenarioFailure(scenario: scenario.name, step: n + 1, key: d.key, detail: d.detail))
            }
        }
        return failures
    }

    /// Checks a step's expectations. Plan keys (`decision`, `record`, …) read the first item's plan;
    /// `status` and `response` the native response; `results` each item's result; warnings and errors
    /// are gathered from every item.
    private func check(_ expect: JSONValue, exchange: ExchangeOutcome, store: some ScenarioStore) throws -> [(
        key: String, detail: String
    )] {
        guard let e = expect.objectValue else { return [("expect", "must be an object")] }
        let plan = exchange.plans.first ?? .invalid([FieldError(field: "body", message: "no plan")])
        let response = exchange.response.body
        let warnings = exchange.plans.flatMap(\.warnings)
        let errors = exchange.plans.flatMap(\.errors)
        var out: [(String, String)] = []
        func subset(_ key: String, _ actual: JSONValue?) {
            if let d = SubsetMatch.difference(expected: e[key]!, actual: actual, at: key) { out.append((key, d)) }
        }
        for key in e.keys.sorted() {
            let want = e[key]!
            switch key {
            case "decision": subset(key, .string(plan.decision.rawValue))
            case "status": subset(key, .int(Int64(exchange.response.status)))
            case "results": subset(key, .array(exchange.results))
            case "action": subset(key, plan.action.map { .string($0.rawValue) } ?? .null)
            case "record": subset(key, plan.record?.json)
            case "response": subset(key, response)
            case "match": subset(key, plan.match?.json)
            case "alternatives": subset(key, plan.json["alternatives"])
            case "error_contains":
                let body = (errors.map(\.description) + [response.jsonText]).joined(separator: "\n").lowercased()
                if let s = want.stringValue, !body.contains(s.lowercased()) {
                    out.append((key, "no error contains \"\(s)\"; errors: \(errors.map(\.description))"))
                }
            case "warnings_contain":
                for w in want.arrayValue ?? [] {
                    guard let s = w.stringValue?.lowercased() else { continue }
                    if !warnings.contains(where: { $0.lowercased().contains(s) }) {
                        out.append((key, "no warning contains \"\(s)\"; warnings: \(warnings)"))
                    }
                }
            case "candidates":
                let want = Set((want.arrayValue ?? []).compactMap(\.stringValue))
                let got = Set(plan.candidates.map(\.id))
                if want != got { out.append((key, "expected candidates \(want.sorted()), got \(got.sorted())")) }
            case "counts":
                for (type, c) in want.objectValue ?? [:] {
                    let counts = try store.counts(type: type)
                    let got: JSONValue =
                        counts.map { ["active": .int(Int64($0.active)), "archived": .int(Int64($0.archived))] } ?? .null
                    if let d = SubsetMatch.difference(expected: c, actual: got, at: "counts.\(type)") {
                        out.append((key, d))
                    }
                }
            case "records":
                let all = try store.allRecords().map(\.json)
                for expected in want.arrayValue ?? []
                where !all.contains(where: { SubsetMatch.difference(expected: expected, actual: $0) == nil }) {
                    let near = all.first { $0["id"] == expected["id"] }
                    out.append(
                        (
                            key,
                            "no record matches \(expected.jsonText)" + (near.map { "; closest: \($0.jsonText)" } ?? "")
                        ))
                }
            default:
                out.append((key, "unknown expectation key"))
            }
        }
        return out
    }
}

extension RecordStore {
    /// Inserts initial records (scenario `records`), in order; a record without `created_at` gets one a
    /// second after the previous, so file order is creation order.
    public func seed(_ records: [JSONValue]) throws {
        let base = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        try writeTransaction("seed") { db in
            for (i, json) in records.enumerated() {
                let r = try Record(json: json, defaultTime: base.addingTimeInterval(Double(i)))
                guard let type = try objectType(r.type, db) else {
                    throw StoreError.notFound("seed record \(r.id): unknown type \"\(r.type)\"")
                }
                try WriteApplier.apply(
                    RecordWrite(op: .create, before: nil, after: r), type: type, source: WriteSource("seed"),
                    at: r.createdAt, db)
            }
        }
    }

    /// Every record of every type (small stores: scenarios, tests).
    public func allRecords() throws -> [Record] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(RecordRow.columns) FROM records ORDER BY seq").map(RecordRow.record)
        }
    }

    /// A cheap fingerprint of the whole store's contents, to prove a preview wrote nothing.
    public func snapshot() throws -> String {
        try read { db in
            try snapshotTables.map { t in
                try Row.fetchAll(db, sql: "SELECT * FROM \(t)").map { $0.description }.joined(separator: "\n")
            }.joined(separator: "\n--\n")
        }
    }
}
