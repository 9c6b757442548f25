import RecordCore

/// GRDB exports a `Record` class too; inside this module `Record` is recdeck's.
public typealias Record = RecordCore.Record
