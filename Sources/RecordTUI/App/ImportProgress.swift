import Foundation

/// A file being imported into the open store in the background (`recdeck FILE`): the importer updates it
/// after each committed batch, and the Records view of its type reads it to grow and to say how far it is.
public final class ImportProgress: @unchecked Sendable {
    /// What the importer has done so far.
    public struct Snapshot: Sendable, Equatable {
        /// Items handled (committed or refused) so far.
        public var rows = 0
        /// 0...1 of the file's bytes.
        public var fraction = 0.0
        /// `fraction` as a whole percentage, as the Records view says it.
        public var percent: Int { Int(fraction * 100) }
        public var finished = false
        /// Why the import stopped, when it failed.
        public var failure: String?
        /// Refused items, named by line or row ("line 12: invalid: …"), the first ones.
        public var errors: [String] = []
        public var refused = 0
        public var seconds = 0.0
    }

    public let typeKey: String
    /// The file's name, for messages.
    public let fileName: String
    private let lock = NSLock()
    private var state = Snapshot()

    public init(typeKey: String, fileName: String) { self.typeKey = typeKey; self.fileName = fileName }

    public var snapshot: Snapshot { lock.withLock { state } }

    /// Called by the importer after each batch.
    public func update(_ change: (inout Snapshot) -> Void) { lock.withLock { change(&state) } }
}
