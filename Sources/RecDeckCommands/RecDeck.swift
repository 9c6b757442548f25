import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// The `recdeck` command line (DESIGN §5).
public struct RecDeck: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "recdeck",
        abstract: "Browse, preview and apply CRM-style upserts on a local record store.",
        discussion: "Exit codes: 0 ok, 1 error, 2 usage, 3 conflict needing a decision, 4 scenario expectation failed.",
        version: "0.1.0",
        subcommands: [
            TUICommand.self, DemoCommand.self, TypesCommand.self, TypeCommand.self, ListCommand.self, GetCommand.self,
            PlanCommand.self, UpsertCommand.self, ImportCommand.self, ExportCommand.self,
            ArchiveCommand.self, RestoreCommand.self, HistoryCommand.self, UndoCommand.self,
            ConflictsCommand.self, ProcessCommand.self, DupesCommand.self, MergeCommand.self, MergesCommand.self,
            ServeCommand.self, RequestsCommand.self,
            ScenarioCommand.self,
        ],
        defaultSubcommand: TUICommand.self)

    public init() {}

    /// Global options written before the subcommand (`recdeck --db x list t`) move after it, where
    /// every subcommand declares them.
    static func normalizedArguments(_ args: [String]) -> [String] {
        var globals: [String] = []
        var rest = args
        while let first = rest.first, first.hasPrefix("--") {
            if first == "--db", rest.count > 1 {
                globals += rest.prefix(2); rest.removeFirst(2)
            } else if first.hasPrefix("--db=") || first == "--read-only" || first == "--json" {
                globals.append(first); rest.removeFirst()
            } else {
                break
            }
        }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        guard !globals.isEmpty, let sub = rest.first else { return args }
        // No subcommand: the default one (the TUI) parses every option itself.
        guard names.contains(sub) else { return args }
        // `recdeck type apply` has a nested subcommand: keep the globals after the leaf.
        if sub == "type", rest.count > 1 { return [sub, rest[1]] + globals + rest.dropFirst(2) }
        if sub == "scenario", rest.count > 1 { return [sub, rest[1]] + globals + rest.dropFirst(2) }
        return [sub] + globals + rest.dropFirst()
    }

    /// Parses, runs, and maps every failure to one line on stderr and the exit codes of DESIGN §5.
    public static func start(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        umask(0o077)
        do {
            var command = try parseAsRoot(normalizedArguments(arguments))
            try command.run()
            Foundation.exit(0)
        } catch let e as CLIError {
            Output.err("recdeck: \(e.message)")
            Foundation.exit(e.status.rawValue)
        } catch let e as StoreError {
            Output.err("recdeck: \(e)")
            Foundation.exit(ExitStatus.error.rawValue)
        } catch let e as SchemaError {
            Output.err("recdeck: \(e)")
            Foundation.exit(ExitStatus.error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Output.out(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code == .validationFailure {
                Output.err(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            if let e = error as? ExitCode { Foundation.exit(e.rawValue) }
            Output.err("recdeck: \(error)")
            Foundation.exit(ExitStatus.error.rawValue)
        }
    }
}
