import ArgumentParser
import RecordCore

/// `--dialect NAME`: one of the dialects recdeck speaks; an unknown name lists the known ones.
struct DialectArgument: ExpressibleByArgument, Sendable {
    let dialect: any Dialect

    init?(argument: String) {
        guard let d = Dialects.named(argument) else { return nil }
        dialect = d
    }

    init(_ dialect: any Dialect) { self.dialect = dialect }

    var defaultValueDescription: String { dialect.name }
    static var allValueStrings: [String] { Dialects.names }
}

/// `KEY=VALUE` (a query parameter, `--take FIELD=RECORD`): the key must not be empty; the value may be.
struct KeyValue: ExpressibleByArgument, Sendable {
    let key: String
    let value: String

    init?(argument: String) {
        guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else { return nil }
        key = String(argument[..<eq])
        value = String(argument[argument.index(after: eq)...])
    }
}

extension ArchivedMatchMode: ExpressibleByArgument {}
