import RecordCore

/// The readable summary of a plan that `plan` and `upsert` print.
enum PlanText {
    static func render(_ plan: Plan) -> [String] {
        var lines: [String] = []
        let action = plan.action.map { ", \($0.rawValue)" } ?? ""
        lines.append(
            "decision   \(plan.decision.rawValue) (\(plan.status)\(action))\(plan.replayed ? " — replayed" : "")")
        if let m = plan.match {
            var via = ""
            if let v = m.via {
                let on = v.identifier.map { "identifier \($0)" } ?? "path \(v.path ?? "?")"
                via =
                    " via \(on) = \(Output.cell(v.value.jsonText))"
                    + (v.normalized.map { " (normalised \(Output.cell($0)))" } ?? "")
            }
            lines.append(
                "match      \(m.id)\(m.name.map { " \"\(Output.cell($0))\"" } ?? "")\(m.archived ? " [archived]" : "")\(via)"
            )
        }
        for c in plan.candidates {
            lines.append(
                "candidate  \(c.id)\(c.name.map { " \"\(Output.cell($0))\"" } ?? "")\(c.archived ? " [archived]" : "")")
        }
        if let r = plan.record, plan.decision.writes || plan.decision == .unchanged {
            lines.append("record     \(r.id) version \(r.version)\(r.name.map { " \"\(Output.cell($0))\"" } ?? "")")
        }
        for d in plan.diff {
            let sym = d.op.symbol
            let before = d.before.map { Output.cell($0.jsonText, max: 30) } ?? ""
            let after = d.after.map { Output.cell($0.jsonText, max: 30) } ?? ""
            let change = d.op == .replace ? "\(before) → \(after)" : d.op == .add ? after : before
            lines.append("  \(sym) \(d.path): \(change)")
        }
        for s in plan.sideEffects {
            lines.append(
                "side effect  \(s.recordID): \(s.identifier) \(Output.cell(s.before.jsonText)) → \(Output.cell(s.after.jsonText))"
            )
        }
        for (mode, alt) in plan.alternatives {
            let rec = alt.record.map { " → \($0.id)" } ?? ""
            let err = alt.errors.first.map { " (\(Output.cell($0.message, max: 60)))" } ?? ""
            lines.append(
                "if \(mode.rawValue)".padding(toLength: 22, withPad: " ", startingAt: 0)
                    + "\(alt.decision.rawValue)\(alt.action.map { ", \($0.rawValue)" } ?? "")\(rec)\(err)")
        }
        for w in plan.warnings { lines.append("warning    \(Output.cell(w, max: 200))") }
        for e in plan.errors {
            lines.append("error      \(Output.cell(e.field, max: 60)): \(Output.cell(e.message, max: 200))")
        }
        return lines
    }
}
