import Foundation

/// A stored record (DESIGN §2).
///
/// Its members live in one copy-on-write box: a record is handed along the whole write path (candidate,
/// match, plan, write, statement), and copying the box retains one object where copying thirteen members
/// retained eight (README › Benchmark: reference counting was a quarter of an import's CPU).
public struct Record: Sendable, Equatable {
    private struct Members: Equatable {
        var id: String
        var type: String
        var name: String?
        var externalID: String?
        var data: JSONValue
        var parentID: String?
        var archived: Bool
        var archivedAt: Date?
        var version: Int
        var createdAt: Date
        var updatedAt: Date
        var associations: [String]
        var mergedInto: String?
    }

    /// The members, shared between copies until one of them changes a member (`unique`), so a shared box is
    /// never written: that is what makes it safe to send.
    private final class Box: @unchecked Sendable {
        var members: Members
        init(_ members: Members) { self.members = members }
    }

    private var box: Box

    /// The box, copied first when another record shares it.
    private var unique: Box {
        mutating get {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.members) }
            return box
        }
    }

    public var id: String {
        get { box.members.id }
        set { unique.members.id = newValue }
    }
    public var type: String {
        get { box.members.type }
        set { unique.members.type = newValue }
    }
    public var name: String? {
        get { box.members.name }
        set { unique.members.name = newValue }
    }
    public var externalID: String? {
        get { box.members.externalID }
        set { unique.members.externalID = newValue }
    }
    public var data: JSONValue {
        get { box.members.data }
        _modify { yield &unique.members.data }
    }
    public var parentID: String? {
        get { box.members.parentID }
        set { unique.members.parentID = newValue }
    }
    public var archived: Bool {
        get { box.members.archived }
        set { unique.members.archived = newValue }
    }
    public var archivedAt: Date? {
        get { box.members.archivedAt }
        set { unique.members.archivedAt = newValue }
    }
    public var version: Int {
        get { box.members.version }
        set { unique.members.version = newValue }
    }
    public var createdAt: Date {
        get { box.members.createdAt }
        set { unique.members.createdAt = newValue }
    }
    public var updatedAt: Date {
        get { box.members.updatedAt }
        set { unique.members.updatedAt = newValue }
    }
    public var associations: [String] {
        get { box.members.associations }
        _modify { yield &unique.members.associations }
    }
    public var mergedInto: String? {
        get { box.members.mergedInto }
        set { unique.members.mergedInto = newValue }
    }

    public init(
        id: String, type: String, name: String? = nil, externalID: String? = nil, data: JSONValue = .object([:]),
        parentID: String? = nil, archived: Bool = false, archivedAt: Date? = nil, version: Int = 1,
        createdAt: Date, updatedAt: Date? = nil, associations: [String] = [], mergedInto: String? = nil
    ) {
        box = Box(
            Members(
                id: id, type: type, name: name, externalID: externalID, data: data, parentID: parentID,
                archived: archived, archivedAt: archivedAt, version: version, createdAt: createdAt,
                updatedAt: updatedAt ?? createdAt, associations: associations, mergedInto: mergedInto))
    }

    public static func == (a: Record, b: Record) -> Bool { a.box === b.box || a.box.members == b.box.members }

    /// True when the user-visible content (not version or timestamps) is the same.
    public func sameContent(as other: Record) -> Bool {
        name == other.name && externalID == other.externalID && data == other.data && parentID == other.parentID
            && archived == other.archived && associations == other.associations && mergedInto == other.mergedInto
    }

    /// A revision's compact `after` text: what can differ between versions of one record — `data` always,
    /// the other members only when they differ from a new record's (no name, not archived, no
    /// associations…), and `updated_at` only when it is not the revision's own time `at`. The id, type and
    /// creation time (the record's, never changed) and the version (the revision row's) are not written
    /// again: a revision is a third of the full record JSON. `Record(revision:…)` reads it back.
    public func revisionText(dataText: String, at: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(dataText.utf8.count + 16)
        writeRevision(data: dataText.utf8, at: at, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the revision's compact `after` text (`revisionText`) as UTF-8, `data` given as its JSON text.
    public func writeRevision(data: some Sequence<UInt8>, at: Date, to out: inout [UInt8]) {
        func append(_ s: String) { out.append(contentsOf: s.utf8) }
        append("{")
        if archived { append("\"archived\":true,") }
        if let archivedAt { append("\"archived_at\":\""); append(Timestamp.format(archivedAt)); append("\",") }
        if !associations.isEmpty {
            append("\"associations\":")
            JSONValue.array(associations.map(JSONValue.string)).writeJSON(to: &out)
            append(",")
        }
        append("\"data\":")
        out.append(contentsOf: data)
        for (key, value) in [
            ("external_id", externalID), ("merged_into", mergedInto), ("name", name), ("parent_id", parentID),
        ] {
            guard let value else { continue }
            append(",\""); append(key); append("\":"); JSONValue.writeString(value, to: &out)
        }
        if updatedAt != at { append(",\"updated_at\":\""); append(Timestamp.format(updatedAt)); append("\"") }
        append("}")
    }

    /// The record in the unified JSON shape used by plans, `get --json` and scenarios.
    public var json: JSONValue {
        var o: JSONObject = [
            "id": .string(id), "type": .string(type),
            "name": name.map(JSONValue.string) ?? .null,
            "external_id": externalID.map(JSONValue.string) ?? .null,
            "data": data,
            "parent_id": parentID.map(JSONValue.string) ?? .null,
            "archived": .bool(archived),
            "archived_at": archivedAt.map { .string(Timestamp.format($0)) } ?? .null,
            "version": .int(Int64(version)),
            "created_at": .string(Timestamp.format(createdAt)),
            "updated_at": .string(Timestamp.format(updatedAt)),
            "associations": .array(associations.map(JSONValue.string)),
        ]
        if let mergedInto { o["merged_into"] = .string(mergedInto) }
        return .object(o)
    }
}

/// ISO-8601 UTC timestamps, e.g. `2026-01-01T00:00:00Z` (milliseconds kept when present). recdeck's own
/// fixed form is written and read by integer arithmetic (Foundation's format styles cost more than the
/// rest of an import row); other ISO-8601 forms are read through Foundation.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var days = totalMillis >= 0 ? totalMillis / 86_400_000 : (totalMillis - 86_399_999) / 86_400_000
        let msOfDay = totalMillis - days * 86_400_000
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        // Written digit by digit into a fixed buffer: this runs several times per imported record.
        let secs = msOfDay / 1000, ms = msOfDay % 1000
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { b -> String in
            var n = 0
            func digits(_ v: Int64, _ width: Int) {
                var v = v, i = width
                if v < 0 { b[n] = 0x2D; n += 1; v = -v }
                while i > 0 { i -= 1; b[n + i] = UInt8(truncatingIfNeeded: 0x30 + v % 10); v /= 10 }
                n += width
            }
            func put(_ c: UInt8) { b[n] = c; n += 1 }
            digits(year, year > 9999 ? 5 : 4); put(0x2D); digits(month, 2); put(0x2D); digits(day, 2); put(0x54)
            digits(secs / 3600, 2); put(0x3A); digits(secs / 60 % 60, 2); put(0x3A); digits(secs % 60, 2)
            if ms != 0 { put(0x2E); digits(ms, 3) }
            put(0x5A)
            return String(decoding: UnsafeBufferPointer(rebasing: b[..<n]), as: UTF8.self)
        }
    }

    public static func parse(_ text: String) -> Date? {
        var text = text
        if let d = text.withUTF8(parseFixed) { return d }
        let plain = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        if let d = try? plain.parse(text) { return d }
        if let d = try? plain.time(includingFractionalSeconds: true).parse(text) { return d }
        if let d = try? Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day().parse(text)
        {
            return d
        }
        return nil
    }

    /// A time read straight from UTF-8 bytes (a database column), the fixed form without making a String.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        parseFixed(bytes) ?? parse(String(decoding: bytes, as: UTF8.self))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z` only.
    private static func parseFixed(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count == 20 || b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
            b.last == 0x5A
        else { return nil }
        func num(_ from: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + len) {
                let c = b[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        guard let y = num(0, 4), let m = num(5, 2), let d = num(8, 2), let hh = num(11, 2), let mm = num(14, 2),
            let ss = num(17, 2),
            (1...12).contains(m), (1...31).contains(d), hh < 24, mm < 60, ss < 61
        else { return nil }
        var ms: Int64 = 0
        if b.count == 24 {
            guard b[19] == 0x2E, let f = num(20, 3) else { return nil }
            ms = f
        }
        // Days since 1970-01-01 from a civil date.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let millis = ((days * 86400 + hh * 3600 + mm * 60 + ss) * 1000) + ms
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
