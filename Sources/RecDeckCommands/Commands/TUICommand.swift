import ArgumentParser
import Foundation
import RecordStore
import RecordTUI

/// `recdeck` / `recdeck tui`: the terminal UI (DESIGN §6).
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the terminal UI (the default when no subcommand is given).",
        discussion:
            "Themes: dark (default), light, high-contrast, mono, and any *.toml in $XDG_CONFIG_HOME/recdeck/themes. NO_COLOR selects mono unless --theme is given."
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Colour theme.", valueName: "name")) var theme: String?
    @Flag(help: "Open the demo database, creating it first when missing.") var demo = false
    @Option(help: ArgumentHelp("Open at this type's records.", valueName: "type")) var type: String?
    @Argument(
        help: ArgumentHelp(
            "A .jsonl, .ndjson, .json or .csv file to open: imported into a cache database in the background.",
            valueName: "file"))
    var file: String?
    @Option(
        help: ArgumentHelp(
            "With FILE: this path identifies a record (upserts and duplicates use it).", valueName: "path"))
    var key: String?
    @Option(help: ArgumentHelp("With FILE: the type schema (JSON) its records follow.", valueName: "file"))
    var typeSchema: String?

    func validate() throws {
        // A word that is neither a file nor named like one is a mistyped subcommand, not a file to open.
        if let file, !FileManager.default.fileExists(atPath: file),
            !FileOpener.extensions.contains(URL(fileURLWithPath: file).pathExtension.lowercased())
        {
            throw ValidationError(
                "unknown command \"\(file)\"; see recdeck --help (a file to open ends in .jsonl, .ndjson, .json or .csv)"
            )
        }
        if file != nil, global.db != nil || demo {
            throw ValidationError("open a FILE, or a database with --db / --demo, not both")
        }
        if file == nil, key != nil || typeSchema != nil {
            throw ValidationError("--key and --type-schema go with a FILE to open")
        }
    }

    func run() throws {
        // The file is checked first: "no such file" says more than "needs a terminal".
        let opener = try file.map { try FileOpener(path: $0, key: key, schemaFile: typeSchema) }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CLIError(
                "the terminal UI needs a terminal on stdin and stdout; for scripts use the subcommands (recdeck --help)"
            )
        }
        let store: RecordStore
        var opened: FileOpener.Opened?
        if let opener {
            let o = try opener.open()
            opened = o
            store = o.store
        } else if demo {
            store = try DemoCommand.prepare(
                path: try global.databasePath(defaultName: "demo.sqlite"), readOnly: global.readOnly,
                concurrentReads: true)
        } else {
            store = try global.openSQLiteStore(for: "the TUI", concurrentReads: true)
        }
        let selection = ThemeLoader.select(requested: theme)
        let config = UserConfig.load()
        let views = ViewsFile()
        let backend = StoreBackend(store: store)
        if let file { backend.displayName = URL(fileURLWithPath: file).lastPathComponent }
        if let run = opened?.session {
            backend.fileImport = run.progress
            backend.fileLines = run.lines
            Thread.detachNewThread { run.runToEnd() }
        }
        let context = AppContext(
            backend: backend, themes: selection.themes, theme: selection.theme,
            clipboard: TerminalClipboard(osc52: config.config.osc52), viewSettings: views)
        let app = App(context: context)
        if let type = opened?.type.key ?? type { app.run(command: type) }
        let problems = selection.messages + [config.problem, views.problem].compactMap { $0 }
        if !problems.isEmpty { app.notify(problems.joined(separator: " · "), isError: true) }
        try MainActor.assumeIsolated { try TUIRunner.run(app) }
    }
}
