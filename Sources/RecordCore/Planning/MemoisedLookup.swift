/// Remembers key probes for the length of one plan (a create probes its lookup key, then checks the same
/// key for uniqueness). The state cannot change while a plan is made, so the answers stay true.
final class MemoisedLookup: RecordLookup {
    private let base: any RecordLookup
    private var byKey: [Key: [Record]] = [:]

    /// A probe's three parts, hashed as they are (no string built per probe).
    private struct Key: Hashable {
        var type: String
        var identifier: String
        var value: String
    }

    init(_ base: any RecordLookup) { self.base = base }

    func records(type: String, identifier: String, value: String) throws -> [Record] {
        let key = Key(type: type, identifier: identifier, value: value)
        if let hit = byKey[key] { return hit }
        let found = try base.records(type: type, identifier: identifier, value: value)
        byKey[key] = found
        return found
    }
    func scan(type: String, matching: (Record) -> Bool) throws -> [Record] {
        try base.scan(type: type, matching: matching)
    }
    func record(id: String) throws -> Record? { try base.record(id: id) }
    func idempotencyEntry(key: String) throws -> IdempotencyEntry? { try base.idempotencyEntry(key: key) }
    func nextAutonumber(type: String) throws -> Int { try base.nextAutonumber(type: type) }
}
