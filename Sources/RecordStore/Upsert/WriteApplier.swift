import Foundation
import GRDB
import RecordCore

/// Where a write came from, kept in its revision.
public struct WriteSource: Sendable {
    public var name: String
    public var batch: String?
    public init(_ name: String, batch: String? = nil) { self.name = name; self.batch = batch }
}

/// Applies decided writes: the record row, its identifier keys, associations and a revision.
///
/// A revision stores the state it wrote (`after`); its `before` is the previous revision's `after`, since
/// every write to a record goes through here. History and undo derive it, which halves revision storage.
enum WriteApplier {
    static func apply(_ write: RecordWrite, type: ObjectType, source: WriteSource, at now: Date, _ db: Database) throws
    {
        let after = write.after
        let newKeys = type.keys(of: after)
        let dataText = after.data.jsonText
        if let before = write.before {
            try RecordRow.update(after, from: before, dataText: dataText, expectedVersion: before.version, db)
            let oldKeys = Set(type.keys(of: before))
            let newSet = Set(newKeys)
            for k in oldKeys.subtracting(newSet) {
                try db.cachedStatement(
                    sql: "DELETE FROM record_keys WHERE type = ? AND identifier = ? AND value = ? AND record_id = ?"
                )
                .execute(arguments: [after.type, k.identifier, k.value, after.id])
            }
            try insertKeys(newKeys.filter { !oldKeys.contains($0) }, record: after, db)
            if before.associations != after.associations { try writeAssociations(after, db) }
        } else {
            try RecordRow.insert(after, dataText: dataText, db)
            try insertKeys(newKeys, record: after, db)
            if !after.associations.isEmpty { try writeAssociations(after, db) }
        }
        if write.consumesAutonumber {
            try db.cachedStatement(sql: "UPDATE types SET autonumber = autonumber + 1 WHERE key = ?").execute(
                arguments: [after.type])
        }
        try db.cachedStatement(
            sql: "INSERT INTO revisions(record_id, version, op, after, source, batch, at) VALUES (?,?,?,?,?,?,?)"
        )
        .execute(arguments: [
            after.id, after.version, write.op.rawValue, after.jsonText(dataText: dataText),
            source.name, source.batch, Timestamp.format(now),
        ])
    }

    private static func insertKeys(_ keys: [IdentifierKey], record: Record, _ db: Database) throws {
        for k in keys {
            do {
                try db.cachedStatement(
                    sql: "INSERT INTO record_keys(type, identifier, value, record_id) VALUES (?,?,?,?)"
                )
                .execute(arguments: [record.type, k.identifier, k.value, record.id])
            } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                throw StoreError.refused(
                    "\(k.identifier) \"\(k.value)\" is already held by another \(record.type) record; nothing written")
            }
        }
    }

    private static func writeAssociations(_ r: Record, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM associations WHERE from_id = ?", arguments: [r.id])
        for target in r.associations {
            try db.execute(
                sql: "INSERT OR IGNORE INTO associations(from_id, to_id) VALUES (?, ?)", arguments: [r.id, target])
        }
    }
}
