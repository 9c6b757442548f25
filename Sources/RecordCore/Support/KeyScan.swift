/// Finding a key among a few by scanning. A key of another length is passed over without its bytes being
/// compared (a string knows its UTF-8 length); up to `limit` keys, that costs less than hashing the key or
/// ordering strings. `JSONObject` and `ObjectType` find members and fields this way (README › Benchmark).
enum KeyScan {
    /// Up to this many keys, scan; past it, search or hash.
    static let limit = 8

    /// The position of the element whose key is `key`.
    static func index<C: RandomAccessCollection>(of key: String, in elements: C, keyOf: (C.Element) -> String)
        -> C.Index?
    {
        let length = key.utf8.count
        return elements.indices.first {
            let k = keyOf(elements[$0])
            return k.utf8.count == length && k == key
        }
    }
}
