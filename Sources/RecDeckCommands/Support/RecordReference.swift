import ArgumentParser
import RecordCore
import RecordStore

/// `TYPE KEY` arguments naming one record: by id, external id or any identifier value.
struct RecordReference: ParsableArguments {
    @Argument(help: "Type key.") var type: String
    @Argument(help: "Record id, external id or identifier value.") var key: String

    /// The store and the record, or a one-line error naming the unknown type or the missing record.
    func resolve(_ global: GlobalOptions) throws -> (any RecordStoring, Record) {
        let (store, _) = try global.openStore(requiringType: type)
        guard let r = try store.findRecord(type: type, key: key) else {
            throw CLIError("no \(type) record \"\(Output.cell(key))\"")
        }
        return (store, r)
    }
}
