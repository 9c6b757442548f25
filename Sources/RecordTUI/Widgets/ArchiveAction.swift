import RecordCore
import TerminalScreen

/// Archive or restore records after a confirmation listing them; all in one transaction.
enum ArchiveAction {
    /// The confirmation for archiving (or restoring) `records` of a type; records already in that state
    /// are left as they are and said so. `done` runs after a successful write.
    static func confirm(
        context: AppContext, type: String, records: [Record], archive: Bool, done: @escaping (_ batch: String) -> Void
    ) -> Effect {
        let verb = archive ? "archive" : "restore"
        if let refusal = context.refusal(verb) { return refusal }
        let skipped = records.filter { $0.archived == archive }
        let targets = records.filter { $0.archived != archive }
        let state = archive ? "archived" : "active"
        guard !targets.isEmpty else {
            return .message(
                "nothing to \(verb): \(records.count == 1 ? "the record is" : "they are all") already \(state)")
        }
        var lines: [StyledLine] = targets.prefix(12).map {
            [Span("• "), Span($0.name ?? $0.id, CellStyle(.accent)), Span("  \($0.id)", CellStyle(.dim))]
        }
        if targets.count > 12 { lines.append([Span("… and \(targets.count - 12) more")]) }
        if !skipped.isEmpty {
            lines.append([Span("\(skipped.count) already \(state): left as they are", CellStyle(.dim))])
        }
        lines.append([
            Span(
                archive
                    ? "Archived records stay in the database and can be restored (R) or undone (u)."
                    : "Restored records become active again (u undoes).", CellStyle(.dim))
        ])
        let ids = targets.map(\.id)
        let noun = "\(ids.count) record\(ids.count == 1 ? "" : "s")"
        return .confirm(
            Confirmation(
                title: "\(verb.capitalized) \(ids.count == 1 ? (targets[0].name ?? targets[0].id) : noun)?",
                lines: lines
            ) {
                let result = context.attempt {
                    archive
                        ? try context.backend.archive(type: type, ids: ids)
                        : try context.backend.restore(type: type, ids: ids)
                }
                switch result {
                case .failure(let e): return .error("\(verb): \(e.message)")
                case .success(let batch):
                    done(batch)
                    return .message("\(archive ? "archived" : "restored") \(noun) (u undoes it as one batch)")
                }
            })
    }
}
