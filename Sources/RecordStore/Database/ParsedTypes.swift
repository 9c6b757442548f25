import Foundation
import RecordCore

/// Types parsed from their stored schema text: a request reads the text (one indexed row) and reuses the
/// parse while the text is the same, so a schema changed by another process is still seen at once.
final class ParsedTypes: @unchecked Sendable {
    private let lock = NSLock()
    private var types: [String: (schema: String, type: ObjectType)] = [:]

    func type(_ key: String, schema: String) -> ObjectType? {
        lock.withLock { types[key].flatMap { $0.schema == schema ? $0.type : nil } }
    }

    func keep(_ type: ObjectType, schema: String) { lock.withLock { types[type.key] = (schema, type) } }
}
