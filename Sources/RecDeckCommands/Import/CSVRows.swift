import CSV
import Foundation
import RecordCore

/// Reads a CSV import file (through CSV.swift) as data objects: the header row names the attributes,
/// each later row is one record's data. Empty cells are left out; a cell whose attribute the type
/// declares as a number, integer, boolean, object or array is read as JSON (`42`, `true`, `["a"]`),
/// and stays a string, for validation to report, when it is not.
final class CSVRows {
    let path: String
    let header: [String]
    private let reader: CSVReader
    private let typedColumns: Set<Int>
    /// Data rows handed out so far.
    private(set) var row = 0
    /// Approximate bytes read so far (cells and separators), for the progress bar.
    private(set) var bytesRead = 0

    /// Opens `path` and checks its header: at least one column, at most `Limits.maxAttributes`, no
    /// empty or repeated names.
    init(path: String, schema: ObjectType?) throws {
        guard let stream = InputStream(fileAtPath: path) else { throw CLIError("cannot open import file \(path)") }
        self.path = path
        do { reader = try CSVReader(stream: stream, hasHeaderRow: true) } catch {
            throw CLIError("\(path): \(Self.describe(error, at: "the header row"))")
        }
        if let error = reader.error, !Self.isEndOfInput(error) {
            throw CLIError("\(path): \(Self.describe(error, at: "the header row"))")
        }
        header = reader.headerRow ?? []
        guard !(header.count == 1 && header[0].isEmpty), !header.isEmpty else {
            throw CLIError("\(path): the CSV file has no header row naming the attributes")
        }
        guard header.count <= Limits.maxAttributes else {
            throw CLIError(
                "\(path): the CSV header has \(header.count) columns; a record holds at most \(Limits.maxAttributes) attributes"
            )
        }
        var seen: Set<String> = []
        for (i, name) in header.enumerated() {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CLIError("\(path): CSV column \(i + 1) has no name in the header")
            }
            guard seen.insert(name).inserted else {
                throw CLIError("\(path): CSV column \"\(Output.cell(name, max: 60))\" appears twice in the header")
            }
        }
        let typed: Set<FieldType> = [.number, .integer, .boolean, .object, .array]
        let names = header
        typedColumns = Set(names.indices.filter { schema?.field(names[$0]).map { typed.contains($0.type) } ?? false })
        bytesRead = header.reduce(header.count) { $0 + $1.utf8.count }
    }

    /// The next row as a labelled data object; nil at the end. A row with a different number of cells
    /// than the header is a failure for that row alone; invalid UTF-8 ends the file with an error.
    func next() throws -> (label: String, value: Result<JSONValue, RequestError>)? {
        var cells: [String] = []
        repeat {
            let read = reader.next()
            // CSV.swift reports the end of its input as `cannotReadFile`; any other error means the row it
            // returned, if any, was cut short where the error was met, so that row is refused too.
            if let error = reader.error, !Self.isEndOfInput(error) {
                throw CLIError(
                    "\(path): \(Self.describe(error, at: "row \(row + 1)")); the rows before it were imported, none after it"
                )
            }
            guard let read else { return nil }
            row += 1
            bytesRead += read.reduce(read.count) { $0 + $1.utf8.count }
            cells = read
        } while cells.count == 1 && cells[0].isEmpty  // blank lines are skipped
        let label = "row \(row)"
        guard cells.count == header.count else {
            return (
                label,
                .failure(
                    RequestError(field: "body", "row has \(cells.count) cells; the header has \(header.count) columns"))
            )
        }
        var data: JSONObject = [:]
        for (i, cell) in cells.enumerated() where !cell.isEmpty {
            if typedColumns.contains(i), let v = try? JSONValue.parse(cell) {
                data[header[i]] = v
            } else {
                data[header[i]] = .string(cell)
            }
        }
        return (label, .success(.object(data)))
    }

    private static func isEndOfInput(_ error: Error) -> Bool {
        if case CSVError.cannotReadFile = error { return true }
        return false
    }

    private static func describe(_ error: Error, at place: String) -> String {
        switch error {
        case CSVError.unicodeDecoding: return "\(place) is not valid UTF-8"
        case CSVError.cannotReadHeaderRow: return "the CSV file has no header row naming the attributes"
        default: return "cannot read \(place): \(error)"
        }
    }
}
