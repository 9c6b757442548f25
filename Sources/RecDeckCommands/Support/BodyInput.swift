import Foundation
import RecordCore

/// Reads a request body argument: JSON text, `-` for stdin, or a file path. A file or stdin is read up to
/// one byte past the 1 MiB body limit and no further: a larger body is refused (413) by the exchange
/// without ever being held whole.
enum BodyInput {
    static func read(_ argument: String?) throws -> [UInt8] {
        guard let argument, argument != "-" else { return readLimited(FileHandle.standardInput) }
        let trimmed = argument.drop(while: \.isWhitespace)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return Array(argument.utf8) }
        guard FileManager.default.fileExists(atPath: argument) else {
            throw CLIError(
                "body \"\(argument.prefix(60))\" is neither JSON (starting with {) nor an existing file", status: .usage
            )
        }
        guard let handle = FileHandle(forReadingAtPath: argument) else { throw CLIError("cannot read \(argument)") }
        defer { try? handle.close() }
        return readLimited(handle)
    }

    /// At most `Limits.maxBodyBytes + 1` bytes: enough to tell that a body is over the limit.
    static func readLimited(_ handle: FileHandle) -> [UInt8] {
        var out: [UInt8] = []
        while out.count <= Limits.maxBodyBytes {
            let chunk = handle.readData(ofLength: Limits.maxBodyBytes + 1 - out.count)
            if chunk.isEmpty { break }
            out += chunk
        }
        return out
    }
}
