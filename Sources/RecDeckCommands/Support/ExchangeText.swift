import RecordCore
import RecordStore

/// How `plan` and `upsert` print a dialect exchange, and the exit status it implies.
enum ExchangeText {
    /// `--json`: the native dialect prints its plan (which is its native body); other dialects print
    /// the native status and body with the unified plan (a batch: every plan and result).
    static func json(_ x: ExchangeOutcome) -> JSONValue {
        let dialect = x.dialect
        if dialect.respondsWithPlan, let plan = x.plans.first { return plan.json }
        var o: JSONObject = [
            "dialect": .string(dialect.name), "status": .int(Int64(x.response.status)), "response": x.response.body,
        ]
        if dialect.answersWithProcess && !x.refused {
            o["process_id"] = x.processID.map(JSONValue.string) ?? .null
            o["committed"] = .bool(x.committed)
            o["results"] = .array(x.results)
            o["plans"] = .array(x.plans.map(\.json))
        } else {
            o["plan"] = x.plans.first?.json ?? .null
        }
        return .object(o)
    }

    /// Human output: the native status and body first, then the plan (a batch: a line per record).
    static func render(_ x: ExchangeOutcome, applying: Bool) -> [String] {
        let dialect = x.dialect
        var lines: [String] = []
        if !dialect.respondsWithPlan {
            lines.append("\(dialect.name) response \(x.response.status)")
            lines += x.response.body.prettyText.split(separator: "\n", omittingEmptySubsequences: false).map {
                "  " + Output.cell(String($0), max: 200)
            }
            lines.append("")
        }
        guard dialect.answersWithProcess, !x.refused else {
            return lines + (x.plans.first.map(PlanText.render) ?? [])
        }
        if let id = x.processID {
            lines.append(
                applying
                    ? "process \(id)" + (x.committed ? "" : " (atomic batch rolled back: nothing written)")
                    : "preview: nothing written, no process stored")
        }
        lines += ResultTable.lines(x.results)
        return lines
    }

    /// 0 for an answer; 1 for a refusal or, after applying a batch, any record not applied; 3 when
    /// applying needs a decision (conflict, ambiguous); plan exits 0 for any preview it can show.
    static func exitStatus(_ x: ExchangeOutcome, applying: Bool) -> ExitStatus {
        if x.dialect.answersWithProcess && !x.refused {
            guard applying else { return .ok }
            if !x.committed || x.plans.contains(where: { $0.decision.isError && $0.decision != .conflict }) {
                return .error
            }
            return x.plans.contains { $0.decision == .conflict } ? .conflict : .ok
        }
        switch x.plans.first?.decision ?? .invalid {
        case .invalid, .not_found, .stale: return .error
        case .conflict, .ambiguous: return applying ? .conflict : .ok
        default: return .ok
        }
    }
}

/// The per-record results of a bulk process as a table.
enum ResultTable {
    static func lines(_ results: [JSONValue]) -> [String] {
        var rows: [[String]] = []
        for r in results {
            let note =
                (r["errors"]?.arrayValue ?? []).compactMap { $0["message"]?.stringValue }
                + (r["warnings"]?.arrayValue ?? []).compactMap(\.stringValue).map { "warning: " + $0 }
            rows.append([
                r["index"]?.intValue.map { String($0) } ?? "",
                r["decision"]?.stringValue ?? "",
                r["action"]?.stringValue ?? "-",
                r["applied"]?.boolValue == true ? "yes" : "no",
                r["id"]?.stringValue ?? "-",
                Output.cell(note.joined(separator: "; "), max: 100),
            ])
        }
        return Output.tableLines(["#", "decision", "action", "applied", "record", "note"], rows)
    }
}
