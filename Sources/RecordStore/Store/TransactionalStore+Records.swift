import Foundation
import RecordCore

/// Record operations written once for both stores, over a transaction's primitives (`StoreTransaction`).
extension StoreTransaction {
    /// The type `key`, or a "not found" refusal naming it.
    func requireType(_ key: String) throws -> ObjectType {
        guard let type = try objectType(key) else { throw StoreError.notFound("unknown object type \"\(key)\"") }
        return type
    }

    /// Archives (or restores) records of a type: all of them, or none when any is refused.
    func setArchived(_ archived: Bool, type typeKey: String, ids: [String], source: WriteSource, at now: Date) throws
        -> [Record]
    {
        let type = try requireType(typeKey)
        return try ids.map { id in
            guard let old = try record(id: id), old.type == typeKey else {
                throw StoreError.notFound("no \(typeKey) record with id \"\(id)\"")
            }
            guard old.archived != archived else {
                throw StoreError.refused("record \(id) is already \(archived ? "archived" : "active"); nothing written")
            }
            var new = old
            new.archived = archived
            new.archivedAt = archived ? now : nil
            new.version += 1
            new.updatedAt = now
            try write(
                RecordWrite(op: archived ? .archive : .restore, before: old, after: new), type: type, source: source,
                at: now)
            return new
        }
    }

    /// Writes the state before a revision back as a new revision, when the record is still at that revision's
    /// version. Undoing a create archives the record (nothing is ever deleted).
    func revert(revision revisionID: Int64, source: WriteSource, at now: Date) throws -> Record {
        guard let rev = try revision(id: revisionID) else { throw StoreError.notFound("no revision \(revisionID)") }
        guard let current = try record(id: rev.recordID), let type = try objectType(current.type) else {
            throw StoreError.notFound("record \(rev.recordID) of revision \(revisionID) no longer exists")
        }
        guard current.version == rev.version else {
            throw StoreError.refused(
                "record \(current.id) is at version \(current.version), but revision \(revisionID) made version \(rev.version); undo the later revisions first; nothing written"
            )
        }
        var new: Record
        if let previousID = rev.previous, let previous = try revision(id: previousID) {
            new = try previous.state(of: current)
            new.createdAt = current.createdAt
        } else {
            new = current
            new.archived = true
            new.archivedAt = now
        }
        new.version = current.version + 1
        new.updatedAt = now
        try write(RecordWrite(op: .undo, before: current, after: new), type: type, source: source, at: now)
        return new
    }

    /// A record's revisions, oldest first, each with the state before it (the previous revision's).
    func history(recordID: String) throws -> [Revision] {
        guard let record = try record(id: recordID) else { return [] }
        var previous: Record?
        return try revisions(ofRecord: recordID).map { stored in
            let after = try stored.state(of: record)
            defer { previous = after }
            return Revision(
                id: stored.id, recordID: stored.recordID, version: stored.version, op: stored.op, before: previous,
                after: after, source: stored.source, batch: stored.batch, at: Timestamp.format(stored.at))
        }
    }
}

/// The merge a batch label belongs to (`merge:<id>`), if any.
func mergeID(ofBatch batch: String?) -> Int64? {
    guard let batch, batch.hasPrefix("merge:") else { return nil }
    return Int64(batch.dropFirst("merge:".count))
}

extension TransactionalStore {
    /// The record with this id, if any.
    public func record(id: String) throws -> Record? { try inReadTransaction { try $0.record(id: id) } }

    /// The type with this key, if any.
    public func objectType(_ key: String) throws -> ObjectType? { try inReadTransaction { try $0.objectType(key) } }

    /// Plans a request against the current state and writes nothing.
    public func plan(_ request: UpsertRequest) throws -> Plan {
        try inReadTransaction { tx in try tx.plan(request, type: tx.objectType(request.type)) }
    }

    /// Plans and applies a request in one transaction; the plan is made inside it, so nothing slips between
    /// preview and write.
    @discardableResult
    public func upsert(_ request: UpsertRequest, source: WriteSource) throws -> Plan {
        try inWriteTransaction("upsert", commitIf: { _ in true }) { tx in
            try tx.applyPlanned(request, type: tx.objectType(request.type), source: source)
        }
    }

    /// A record by id, or by external id or a unique identifier value of its type.
    public func findRecord(type: String, key: String) throws -> Record? {
        try inReadTransaction { tx in
            if let r = try tx.record(id: key), r.type == type { return r }
            guard let t = try tx.objectType(type) else { return nil }
            for id in t.identifiers {
                guard let norm = id.normalize.apply(key) else { continue }
                if let r = try tx.records(type: type, identifier: id.name, value: norm).first { return r }
            }
            return nil
        }
    }

    /// A record's revisions, oldest first, each with the state before it.
    public func history(recordID: String) throws -> [Revision] {
        try inReadTransaction { try $0.history(recordID: recordID) }
    }

    /// Archives an active record (a new revision; nothing is deleted).
    @discardableResult
    public func archive(type: String, id: String, source: WriteSource) throws -> Record {
        try archive(type: type, ids: [id], source: source)[0]
    }

    /// Restores an archived record. Its identifier values stayed reserved while archived, so none can collide.
    @discardableResult
    public func restore(type: String, id: String, source: WriteSource) throws -> Record {
        try restore(type: type, ids: [id], source: source)[0]
    }

    /// Archives several records of a type in one transaction: all of them, or none when any is refused.
    @discardableResult
    public func archive(type: String, ids: [String], source: WriteSource) throws -> [Record] {
        try inWriteTransaction("archive", commitIf: { _ in true }) { tx in
            try tx.setArchived(true, type: type, ids: ids, source: source, at: now())
        }
    }

    /// Restores several records of a type in one transaction: all of them, or none when any is refused.
    @discardableResult
    public func restore(type: String, ids: [String], source: WriteSource) throws -> [Record] {
        try inWriteTransaction("restore", commitIf: { _ in true }) { tx in
            try tx.setArchived(false, type: type, ids: ids, source: source, at: now())
        }
    }

    /// Undoes a revision by writing its `before` state back as a new revision, when the record is still at
    /// that revision's version. A revision written by a merge is undone with the whole merge, never alone.
    @discardableResult
    public func undo(revision revisionID: Int64, source: WriteSource) throws -> Record {
        try inWriteTransaction("undo", commitIf: { _ in true }) { tx in
            if let merge = mergeID(ofBatch: try tx.revision(id: revisionID)?.batch) {
                throw StoreError.refused(
                    "revision \(revisionID) is part of merge \(merge); undo the whole merge with `recdeck undo --merge \(merge)`"
                )
            }
            return try tx.revert(
                revision: revisionID, source: WriteSource(source.name, batch: "undo:\(revisionID)"), at: now())
        }
    }

    /// Undoes every revision written under one batch id (a bulk archive or restore, an import batch) in one
    /// transaction, newest first; refused as a whole, naming the record, when any record changed since.
    /// A merge's batch is undone with `undoMerge`.
    @discardableResult
    public func undoBatch(_ batch: String, source: WriteSource) throws -> [Record] {
        try inWriteTransaction("undo batch", commitIf: { _ in true }) { tx in
            if let merge = mergeID(ofBatch: batch) {
                throw StoreError.refused(
                    "batch \(batch) is merge \(merge); undo it with `recdeck undo --merge \(merge)`")
            }
            let revisions = try tx.revisionIDs(inBatch: batch)
            guard !revisions.isEmpty else { throw StoreError.notFound("no revisions in batch \"\(batch)\"") }
            let undo = WriteSource(source.name, batch: "undo:\(batch)")
            return try revisions.map { try tx.revert(revision: $0, source: undo, at: now()) }
        }
    }

    /// The conflict queue, oldest first.
    public func conflicts(pendingOnly: Bool = true) throws -> [ConflictEntry] {
        try inReadTransaction { try $0.conflicts(pendingOnly: pendingOnly) }
    }

    /// Resolves a parked conflict: applies `request` (the parked request with the chosen archive mode) and
    /// marks the entry resolved, in one transaction. A nil request skips: the entry is marked and nothing
    /// else is written. Returns the applied plan (nil when skipped); an entry already resolved is refused.
    @discardableResult
    public func resolveConflict(id: Int64, request: UpsertRequest?, resolution: String, source: WriteSource) throws
        -> Plan?
    {
        try inWriteTransaction("resolve conflict", commitIf: { _ in true }) { tx in
            guard let status = try tx.conflictStatus(id: id) else {
                throw StoreError.notFound("no conflict \(id) in the queue")
            }
            guard status == "pending" else {
                throw StoreError.refused("conflict \(id) is already \(status); nothing written")
            }
            var plan: Plan?
            if let request {
                let p = try tx.applyPlanned(request, type: tx.objectType(request.type), source: source)
                guard p.decision.writes || p.decision == .unchanged else {
                    throw StoreError.refused(
                        "conflict \(id): \(resolution) gave \(p.decision.rawValue) (\(p.errorSummary)); nothing written"
                    )
                }
                plan = p
            }
            // A conflict the sandbox server parked: its journal entry shows what was chosen.
            let journal =
                plan.map { $0.decision.rawValue == resolution ? resolution : "\(resolution): \($0.decision.rawValue)" }
                ?? resolution
            try tx.markResolved(conflict: id, resolution: resolution, journal: journal, at: now())
            return plan
        }
    }
}
