import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// `recdeck export TYPE`: records as JSONL or CSV, in insertion order, through the grid's filter
/// expressions, with chosen columns; to stdout, or to a file written whole or not at all.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a type's records as JSONL or CSV (archived included unless --active-only).",
        discussion: """
            Filters are the Records grid's: a name or identifier prefix, ~text, $.path = value (!= < <= > >=), \
            $.path is [not] null. Columns are attributes (name, id, external_id, state, created, updated, version, parent) \
            or data paths ($.email, or email). JSONL without --columns writes whole records (what `import` reads back).
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Flag(help: "Only active records.") var activeOnly = false
    @Option(help: ArgumentHelp("Only the records this filter matches.", valueName: "expr")) var filter: String?
    @Option(help: ArgumentHelp("jsonl or csv (default: the --output extension, else jsonl).", valueName: "format"))
    var format: String?
    @Option(
        help: ArgumentHelp(
            "Comma-separated columns (CSV default: id,name,external_id,state,created,updated).", valueName: "a,b"))
    var columns: String?
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Write to this file (whole or not at all) instead of stdout.", valueName: "path"))
    var output: String?

    func run() throws {
        let (store, objectType) = try global.openSQLiteStore(for: "export", requiringType: type)
        let chosenFormat: ExportFormat
        if let format {
            guard let f = ExportFormat(rawValue: format.lowercased()) else {
                throw CLIError("unknown format \"\(format)\"; use jsonl or csv", status: .usage)
            }
            chosenFormat = f
        } else {
            chosenFormat = try output.map(ExportFormat.init(path:)) ?? .jsonl
        }
        var parsedFilter: RecordFilter?
        if let filter {
            do { parsedFilter = try RecordFilter.parse(filter) } catch {
                throw CLIError("--filter: \(error)", status: .usage)
            }
        }
        let chosenColumns = try columns.map { list in
            try list.split(separator: ",").map { key in
                do { return try GridColumn(key: String(key), type: objectType) } catch {
                    throw CLIError("--columns: \(error)", status: .usage)
                }
            }
        }
        let query = RecordQuery(type: type, archived: activeOnly ? .active : .all, filter: parsedFilter)
        if let output {
            let showProgress = Output.stderrIsTerminal
            let total = showProgress ? (try store.count(query))?.value : nil
            let n = try RecordExporter.export(
                store: store, query: query, columns: chosenColumns, format: chosenFormat, to: output
            ) { n in
                if let total, showProgress { Output.progress(Double(n) / Double(max(1, total)), "\(n) rows") }
                return true
            }
            if showProgress { Output.clearProgress() }
            Output.err("exported \(n ?? 0) row\(n == 1 ? "" : "s") to \(output) (\(chosenFormat.rawValue))")
        } else {
            let sink = TextSink(FileHandle.standardOutput)
            _ = try RecordExporter.write(
                store: store, query: query, ids: nil, columns: chosenColumns, format: chosenFormat, to: sink)
            try sink.flush()
        }
    }
}
