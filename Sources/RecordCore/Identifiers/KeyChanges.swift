/// How a write changes a record's identifier keys (`ObjectType.keyChanges`): the keys the new state holds,
/// those it adds and those it drops.
public struct KeyChanges: Sendable, Equatable {
    public var keys: [IdentifierKey]
    public var added: [IdentifierKey]
    public var removed: [IdentifierKey]
    public init(keys: [IdentifierKey], added: [IdentifierKey], removed: [IdentifierKey]) {
        self.keys = keys; self.added = added; self.removed = removed
    }
}
