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

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CLIError(
                "the terminal UI needs a terminal on stdin and stdout; for scripts use the subcommands (recdeck --help)"
            )
        }
        let store: RecordStore
        if demo {
            store = try DemoCommand.prepare(
                path: try global.databasePath(defaultName: "demo.sqlite"), readOnly: global.readOnly,
                concurrentReads: true)
        } else {
            store = try global.openStore(concurrentReads: true)
        }
        let selection = ThemeLoader.select(requested: theme)
        let config = UserConfig.load()
        let views = ViewsFile()
        let context = AppContext(
            backend: StoreBackend(store: store), themes: selection.themes, theme: selection.theme,
            clipboard: TerminalClipboard(osc52: config.config.osc52), viewSettings: views)
        let app = App(context: context)
        if let type { app.run(command: type) }
        let problems = selection.messages + [config.problem, views.problem].compactMap { $0 }
        if !problems.isEmpty { app.notify(problems.joined(separator: " · "), isError: true) }
        try MainActor.assumeIsolated { try TUIRunner.run(app) }
    }
}
