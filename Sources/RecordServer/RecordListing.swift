import Hummingbird
import RecordCore
import RecordStore

/// `GET /types/{type}/records?after=&limit=&filter=`: a page of a type's active records in insertion order,
/// with the cursor of the next page (`next`, null on the last one). The filter is the grid's.
enum RecordListing {
    static func answer(store: RecordStore, type: String, after: String?, limit: String?, filter: String?) throws
        -> Response
    {
        guard try store.objectType(type) != nil else {
            return SandboxServer.json(404, ["error": .string("no type \"\(type)\"")])
        }
        let count: Int
        if let limit {
            guard let n = Int(limit), (1...1000).contains(n) else {
                return SandboxServer.json(400, ["error": .string("limit \"\(limit)\" must be a number from 1 to 1000")])
            }
            count = n
        } else {
            count = 100
        }
        var parsed: RecordFilter?
        if let filter, !filter.isEmpty {
            do { parsed = try RecordFilter.parse(filter) } catch {
                return SandboxServer.json(400, ["error": .string("filter: \(error)")])
            }
        }
        var cursor: PageKey?
        if let after, !after.isEmpty {
            guard let key = cursorKey(after) else {
                return SandboxServer.json(400, ["error": .string("after \"\(after)\" is not a cursor this route gave")])
            }
            cursor = key
        }
        let page = try store.page(RecordQuery(type: type, filter: parsed), from: cursor, limit: count + 1)
        let shown = page.prefix(count)
        let next: JSONValue = page.count > count ? .string(cursorText(shown.last!.key)) : .null
        return SandboxServer.json(200, ["records": .array(shown.map(\.record.json)), "next": next])
    }

    /// A cursor: the sequence, and under a prefix filter the matched group and text (`SEQ` or `SEQ:G:TEXT`).
    static func cursorText(_ key: PageKey) -> String {
        key.text == nil ? String(key.seq) : "\(key.seq):\(key.group):\(key.text!)"
    }

    static func cursorKey(_ text: String) -> PageKey? {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard let seq = Int64(parts[0]) else { return nil }
        if parts.count == 1 { return PageKey(seq: seq) }
        guard parts.count == 3, let group = Int(parts[1]) else { return nil }
        return PageKey(seq: seq, text: String(parts[2]), group: group)
    }
}
