import Foundation
import RecordCore

/// Reads a request body argument: JSON text, `-` for stdin, or a file path.
enum BodyInput {
    static func read(_ argument: String?) throws -> [UInt8] {
        guard let argument, argument != "-" else {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        let trimmed = argument.drop(while: \.isWhitespace)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return Array(argument.utf8) }
        guard FileManager.default.fileExists(atPath: argument) else {
            throw CLIError(
                "body \"\(argument.prefix(60))\" is neither JSON (starting with {) nor an existing file", status: .usage
            )
        }
        guard let data = FileManager.default.contents(atPath: argument) else {
            throw CLIError("cannot read \(argument)")
        }
        return Array(data)
    }
}
