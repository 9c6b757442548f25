import ArgumentParser
import Foundation
import RecordCore

/// `recdeck type apply SCHEMA.json`: create or update types from a schema file.
struct TypeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "type", abstract: "Manage object types.", subcommands: [Apply.self])

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update types from a schema file (one schema object or an array).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Schema JSON file, or - for stdin.") var file: String

        func run() throws {
            try global.requireWritable("type apply")
            let bytes =
                try file == "-"
                ? Array(FileHandle.standardInput.readDataToEndOfFile())
                : {
                    guard let d = FileManager.default.contents(atPath: file) else {
                        throw CLIError("cannot read schema file \(file)")
                    }
                    return Array(d)
                }()
            let value: JSONValue
            do { value = try JSONValue.parse(Data(bytes)) } catch { throw CLIError("\(file): \(error.message)") }
            let schemas = value.arrayValue ?? [value]
            let types = try schemas.map { s throws -> ObjectType in
                do { return try ObjectType(json: s) } catch let e as SchemaError {
                    throw CLIError("\(file): \(e.message)")
                }
            }
            let store = try global.openStore()
            for t in types {
                try store.applyType(t)
                if !global.json { Output.out("applied type \(t.key)") }
            }
            if global.json { Output.json(.array(types.map { JSONValue.string($0.key) })) }
        }
    }
}
