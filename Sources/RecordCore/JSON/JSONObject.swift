/// A JSON object's members, kept in one array sorted by key (the order JSON text is written in).
///
/// Not a hashed dictionary: a record's object has a handful of keys, and finding one by scanning (or, past
/// eight members, by binary search) costs less than hashing it; building one from JSON text that is
/// already sorted (everything recdeck wrote) appends without hashing or sorting, and writing it needs no
/// sort. Hashing keys and building hash tables was a tenth of an import's planning work (README ›
/// Benchmark).
///
/// The API is the part of `Dictionary`'s the code uses: the subscript, `keys`, `values`, iteration as
/// `(key, value)` pairs, `filter`, `compactMapValues`, `removeValue(forKey:)`, `merge`.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: JSONValue)

    /// Sorted by key, each key once.
    private var members: [Element]

    public init() { members = [] }

    /// An object with room for `capacity` members.
    public init(minimumCapacity capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
    }

    public init(_ dictionary: [String: JSONValue]) {
        members = dictionary.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// Members from pairs; a repeated key keeps its last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        members = []
        for (k, v) in pairs { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }

    /// Where `key` is, or where it would go.
    private func position(of key: String) -> (found: Bool, index: Int) {
        var low = 0, high = members.count
        while low < high {
            let mid = (low + high) / 2
            let k = members[mid].key
            if k == key { return (true, mid) }
            if k < key { low = mid + 1 } else { high = mid }
        }
        return (false, low)
    }

    /// Where `key` is, if present: a record's object has a handful of members, scanned (`KeyScan`).
    private func index(of key: String) -> Int? {
        guard members.count > KeyScan.limit else { return KeyScan.index(of: key, in: members) { $0.key } }
        let p = position(of: key)
        return p.found ? p.index : nil
    }

    public subscript(key: String) -> JSONValue? {
        get {
            // Not a conditional expression: `nil` there would be read as JSON null (JSONValue takes `nil`).
            guard let i = index(of: key) else { return Optional.none }
            return members[i].value
        }
        set {
            let p = position(of: key)
            switch (p.found, newValue) {
            case (true, let v?): members[p.index].value = v
            case (true, nil): members.remove(at: p.index)
            case (false, let v?): members.insert((key, v), at: p.index)
            case (false, nil): break
            }
        }
    }

    /// Adds a member while reading JSON text: appended when its key sorts after the last (text recdeck
    /// wrote is sorted), else put in its place; a repeated key keeps its last value.
    mutating func add(_ key: String, _ value: JSONValue) {
        if let last = members.last, !(last.key < key) {
            self[key] = value
        } else {
            members.append((key, value))
        }
    }

    /// The keys, sorted.
    public var keys: [String] { members.map(\.key) }
    /// The values, in key order.
    public var values: [JSONValue] { members.map(\.value) }
    public var startIndex: Int { 0 }
    public var endIndex: Int { members.count }
    public subscript(position: Int) -> Element { members[position] }

    /// The values `transform` keeps, by key, as a dictionary.
    public func compactMapValues<T>(_ transform: (JSONValue) throws -> T?) rethrows -> [String: T] {
        var out: [String: T] = [:]
        for m in members { if let t = try transform(m.value) { out[m.key] = t } }
        return out
    }

    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> JSONObject {
        var out = JSONObject()
        out.members = try members.filter(isIncluded)
        return out
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = index(of: key) else { return nil }
        return members.remove(at: i).value
    }

    /// These members with `other`'s laid over them in one ordered pass over both (each is sorted): for each
    /// key `other` holds, `combine(mine, theirs)` gives the value, or nil to drop the key.
    public func overlaid(
        with other: JSONObject, _ combine: (_ mine: JSONValue?, _ theirs: JSONValue) -> JSONValue?
    ) -> JSONObject {
        var out = JSONObject(minimumCapacity: members.count + other.members.count)
        var i = 0, j = 0
        while j < other.members.count {
            let theirs = other.members[j]
            if i < members.count, members[i].key < theirs.key {
                out.members.append(members[i])
                i += 1
                continue
            }
            // Not a conditional expression: `nil` there would be read as JSON null (JSONValue takes `nil`).
            var mine: JSONValue? = nil
            if i < members.count, members[i].key == theirs.key {
                mine = members[i].value
                i += 1
            }
            if let v = combine(mine, theirs.value) { out.members.append((theirs.key, v)) }
            j += 1
        }
        out.members.append(contentsOf: members[i...])
        return out
    }

    /// Adds `other`'s members; for a key both hold, `combine` chooses the value.
    public mutating func merge(_ other: JSONObject, uniquingKeysWith combine: (JSONValue, JSONValue) -> JSONValue) {
        self = overlaid(with: other) { mine, theirs in mine.map { combine($0, theirs) } ?? theirs }
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.members.count == b.members.count else { return false }
        for i in a.members.indices
        where a.members[i].key != b.members[i].key || a.members[i].value != b.members[i].value {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for m in members {
            hasher.combine(m.key)
            hasher.combine(m.value)
        }
    }
}
