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
    static func apply(
        _ write: RecordWrite, type: ObjectType, source: WriteSource, at now: Date, _ db: Database,
        statements: WriteStatements? = nil
    ) throws {
        let after = write.after
        let newKeys = type.keys(of: after)
        let dataText = after.data.jsonText
        if let statements, write.before == nil {
            // A create in a batch: the record, its keys and its revision through prepared statements.
            try statements.insert(after, dataText: dataText, keys: newKeys)
            if !after.associations.isEmpty { try writeAssociations(after, db) }
            if write.consumesAutonumber {
                try db.cachedStatement(sql: "UPDATE types SET autonumber = autonumber + 1 WHERE key = ?").execute(
                    arguments: [after.type])
            }
            try statements.revision(write, dataText: dataText, source: source, at: now)
            return
        }
        if let before = write.before {
            if let statements {
                try statements.update(after, from: before, dataText: dataText)
            } else {
                try RecordRow.update(after, from: before, dataText: dataText, expectedVersion: before.version, db)
            }
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
        if let statements {
            try statements.revision(write, dataText: dataText, source: source, at: now)
            return
        }
        try db.cachedStatement(
            sql: "INSERT INTO revisions(record_id, version, op, after, source, batch, at) VALUES (?,?,?,?,?,?,?)"
        )
        .execute(arguments: [
            after.id, after.version, write.op.rawValue, after.jsonText(dataText: dataText),
            source.name, source.batch, Timestamp.format(now),
        ])
    }

    /// The "already held" refusal for a key the UNIQUE index turned away.
    static func keyTaken(_ k: IdentifierKey, _ record: Record) -> StoreError {
        StoreError.refused(
            "\(k.identifier) \"\(k.value)\" is already held by another \(record.type) record; nothing written")
    }

    private static func insertKeys(_ keys: [IdentifierKey], record: Record, _ db: Database) throws {
        for k in keys {
            do {
                try db.cachedStatement(
                    sql: "INSERT INTO record_keys(type, identifier, value, record_id) VALUES (?,?,?,?)"
                )
                .execute(arguments: [record.type, k.identifier, k.value, record.id])
            } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                throw keyTaken(k, record)
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

/// The statements a batch of creates runs for every record, prepared once per batch.
final class WriteStatements {
    private let record: RawStatement
    private let key: RawStatement
    private let revision: RawStatement
    private var updates: [UpdateColumns: RawStatement] = [:]
    private var nowText: (Date, String)?
    private let db: Database

    init(_ db: Database) throws {
        self.db = db
        record = try RawStatement(db, sql: RecordRow.insertSQL)
        key = try RawStatement(db, sql: "INSERT INTO record_keys(type, identifier, value, record_id) VALUES (?,?,?,?)")
        revision = try RawStatement(
            db, sql: "INSERT INTO revisions(record_id, version, op, after, source, batch, at) VALUES (?,?,?,?,?,?,?)")
    }

    /// A time as text, formatted once for the many writes of a batch that share it.
    func text(_ date: Date) -> String {
        if let (d, t) = nowText, d == date { return t }
        let t = Timestamp.format(date)
        nowText = (date, t)
        return t
    }

    func insert(_ r: Record, dataText: String, keys: [IdentifierKey]) throws {
        record.bind(r.id).bind(r.type).bind(r.name).bind(r.externalID).bind(dataText).bind(r.parentID)
            .bind(r.associations.isEmpty ? nil : JSONValue.array(r.associations.map(JSONValue.string)).jsonText)
            .bind(r.archived).bind(r.archivedAt.map(text)).bind(r.version).bind(text(r.createdAt))
            .bind(text(r.updatedAt)).bind(r.mergedInto)
        try record.execute(RecordRow.insertSQL)
        for k in keys {
            key.bind(r.type).bind(k.identifier).bind(k.value).bind(r.id)
            do { try key.execute("INSERT INTO record_keys") } catch let e as DatabaseError
                where e.resultCode == .SQLITE_CONSTRAINT
            {
                throw WriteApplier.keyTaken(k, r)
            }
        }
    }

    /// `RecordRow.update` through a statement prepared once per set of changed columns.
    func update(_ r: Record, from old: Record, dataText: String) throws {
        let change = UpdateColumns(r, from: old)
        let statement = try updates[change] ?? RawStatement(db, sql: change.sql)
        updates[change] = statement
        for value in change.values(r, dataText: dataText, format: text) {
            switch value {
            case let s as String: statement.bind(s)
            case let i as Int: statement.bind(i)
            case let b as Bool: statement.bind(b)
            default: statement.bind(nil as String?)
            }
        }
        statement.bind(r.id).bind(old.version)
        try statement.execute(change.sql)
        if db.changesCount != 1 { throw RecordRow.changedMeanwhile(r, old.version) }
    }

    func revision(_ write: RecordWrite, dataText: String, source: WriteSource, at now: Date) throws {
        let after = write.after
        revision.bind(after.id).bind(after.version).bind(write.op.rawValue).bind(after.jsonText(dataText: dataText))
            .bind(source.name).bind(source.batch).bind(text(now))
        try revision.execute("INSERT INTO revisions")
    }
}
