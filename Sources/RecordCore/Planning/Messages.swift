/// The sentences recdeck answers with, in one place, so the planner and the dialects read as logic and
/// the wording can be checked (and changed) together.
public enum Messages {
    // MARK: Kizen

    static func kizenArchivedMatch(_ id: String) -> String {
        "The record matching lookup_value (\(id)) is archived; set oncreate_unarchive to unarchive or overwrite."
    }

    static func kizenArchivedConflict(_ field: String, holders: [String]) -> String {
        "The new \(field) value belongs to archived record \(holders.joined(separator: ", ")); "
            + "set onupdate_archived_conflict to overwrite to take it."
    }
}
