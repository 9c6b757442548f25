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

extension Messages {
    // MARK: The planner

    static func unknownType(_ key: String) -> String { "unknown object type \"\(key)\"" }

    static func idempotencyKeyReused(_ key: String) -> String {
        "idempotency key \"\(key)\" was already used with a different payload"
    }

    static func idempotencyReplayed(_ key: String) -> String {
        "replayed the first result of idempotency key \"\(key)\""
    }

    static func noRecordWithID(_ id: String, type: String) -> String {
        "no \(type) record has id \"\(id)\"; a record id cannot be chosen on create"
    }

    static func nothingToMatch(_ value: JSONValue, _ normalize: Normalization) -> String {
        "lookup value \(value.jsonText) has nothing to match after \(normalize.rawValue) normalisation"
    }

    static func unindexedLookup(_ source: IdentifierSource, _ normalize: Normalization?, type: String) -> String {
        let how = normalize.map { " with \($0.rawValue) matching" } ?? ""
        return "unindexed lookup: \(source)\(how) is not an identifier of \(type), so every record was scanned"
    }

    static func severalMatch(_ ids: [String], _ state: String) -> String {
        "\(ids.count) \(state) records match: \(ids.joined(separator: ", "))"
    }

    static func firstOfSeveral(_ ids: [String], chose: String) -> String {
        "multiple active records matched (\(ids.joined(separator: ", "))); on_multiple_matches first chose the oldest, "
            + chose
    }

    static func nothingMatchedVersion(_ version: Int) -> String {
        "no record matched, so expected_version \(version) cannot hold"
    }

    static let skipped = "no record matched and on_no_match is skip: nothing written"

    static func stale(_ record: Record, expected: Int) -> String {
        "record \(record.id) is at version \(record.version), not the expected \(expected): it changed meanwhile"
    }

    static func nameRequired(_ type: String) -> String { "name is required for \(type)" }

    static func notUnique(_ key: IdentifierKey, holder: String) -> String {
        "\(key.identifier) \"\(key.value)\" is not unique: active record \(holder) already holds it"
    }

    static func heldByArchived(_ key: IdentifierKey, holder: String) -> String {
        "\(key.identifier) \"\(key.value)\" belongs to archived record \(holder); "
            + "set on_archived_conflict to overwrite to take it"
    }

    static func fieldRequired(_ field: String, type: String) -> String {
        "\(field) is required when creating a \(type) record"
    }

    /// What a read-only preview of a batch adds to each item's plan.
    public static let readOnlyBatchPreview =
        "read-only preview: planned against the stored state, without earlier items of the batch"

    static func archivedMatch(_ id: String) -> String {
        "record \(id) is archived; choose unarchive, unarchive_update or overwrite"
    }
}
