import Foundation
import GRDB
import RecordCore

/// New records queued for the writer thread as bytes: every text a create binds (its row, revision and
/// keys) is written into one buffer on the planning thread, and the writer thread binds it from there
/// without copying it (`RawStatement.bind(static:)`). As a closure per create, each write captured the
/// record and its keys, so both threads retained and released the same objects, and the writer thread
/// copied every text once more to bind it: a third of its work was Swift's, not SQLite's.
final class CreateLog: @unchecked Sendable {
    /// A text in `bytes`, or NULL (`count` -1).
    struct Text {
        var start: Int32
        var count: Int32
        static let null = Text(start: 0, count: -1)
    }

    /// One create: its row's columns, its revision and the range of its keys in `keys`.
    struct Entry {
        var id, type, name, externalID, data, parentID, associations, archivedAt, created, updated, mergedInto: Text
        var archived: Bool
        var version: Int
        var op, revision, source, batch, at: Text
        var keys: Range<Int>
    }

    /// A key the create adds.
    struct Key {
        var identifier, value: Text
        var cased: Bool
    }

    private(set) var bytes: [UInt8] = []
    private(set) var entries: [Entry] = []
    private(set) var keys: [Key] = []
    /// Reused for each record's data text, which both its row and its revision hold.
    private var scratch: [UInt8] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// Queues the create of `r`, adding `added`; `cased` names the identifiers whose keys keep their case.
    func append(
        _ r: Record, op: RevisionOp, adding added: [IdentifierKey], cased: Set<String>, source: WriteSource,
        created: String, updated: String, at now: Date, atText: String
    ) {
        scratch.removeAll(keepingCapacity: true)
        r.data.writeJSON(to: &scratch)
        let revisionStart = bytes.count
        r.writeRevision(data: scratch, at: now, to: &bytes)
        let revision = Text(start: Int32(revisionStart), count: Int32(bytes.count - revisionStart))
        let firstKey = keys.count
        for k in added {
            keys.append(Key(identifier: text(k.identifier), value: text(k.value), cased: cased.contains(k.identifier)))
        }
        entries.append(
            Entry(
                id: text(r.id), type: text(r.type), name: text(r.name), externalID: text(r.externalID),
                data: bytes(scratch), parentID: text(r.parentID), associations: text(RecordRow.associationsText(r)),
                archivedAt: text(r.archivedAt.map(Timestamp.format)), created: text(created), updated: text(updated),
                mergedInto: text(r.mergedInto), archived: r.archived, version: r.version, op: text(op.rawValue),
                revision: revision, source: text(source.name), batch: text(source.batch), at: text(atText),
                keys: firstKey..<keys.count))
    }

    /// Empties the log for the next creates (its storage kept).
    func reset() {
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
    }

    private func text(_ s: String?) -> Text {
        guard var s else { return .null }
        return s.withUTF8 { bytes($0) }
    }

    private func bytes(_ b: some Collection<UInt8>) -> Text {
        let start = bytes.count
        bytes.append(contentsOf: b)
        return Text(start: Int32(start), count: Int32(b.count))
    }
}

/// Read access to a log's texts while the writer thread binds them.
struct CreateLogTexts {
    let base: UnsafeBufferPointer<UInt8>

    /// The text's bytes, or nil for NULL.
    func callAsFunction(_ t: CreateLog.Text) -> UnsafeBufferPointer<UInt8>? {
        guard t.count >= 0 else { return nil }
        return UnsafeBufferPointer(rebasing: base[Int(t.start)..<Int(t.start + t.count)])
    }

    func string(_ t: CreateLog.Text) -> String { self(t).map { String(decoding: $0, as: UTF8.self) } ?? "" }

    /// Whether two texts hold the same bytes.
    func same(_ a: CreateLog.Text, _ b: CreateLog.Text) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = self(a), let y = self(b) else { return true }
        return x.elementsEqual(y)
    }
}
