import ArgumentParser
import Foundation
import RecordCore
import RecordStore
import RecordStorePostgres

/// `recdeck scenario run FILE...`: run conformance scenarios; exit 4 when an expectation fails.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Conformance scenarios.", subcommands: [Run.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run scenario files (DESIGN §4); exit 4 on a failed expectation.",
            discussion: """
                Each scenario runs on a fresh in-memory SQLite store, or with --db postgres://… on that server, in a \
                schema of its own that is dropped afterwards.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Scenario JSON files.") var files: [String]

        func run() throws {
            guard !files.isEmpty else { throw CLIError("give at least one scenario file", status: .usage) }
            let runner = ScenarioRunner()
            let server = try global.postgresLocation()
            var passed = 0, failed = 0
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIError("cannot read scenario file \(file)")
                }
                let scenarios: [Scenario]
                do { scenarios = try Scenario.loadFile(JSONValue.parse(data), file: file) } catch let e
                    as JSONSyntaxError
                {
                    throw CLIError("\(file): \(e.message)")
                } catch let e as SchemaError { throw CLIError("\(e.message)") }
                for s in scenarios {
                    do {
                        let failures =
                            try server.map { try Self.runOnServer(s, runner: runner, on: $0) } ?? runner.run(s)
                        if failures.isEmpty {
                            passed += 1; if !global.json { Output.out("ok    \(file): \(s.name)") }
                        } else {
                            failed += 1
                            Output.out("FAIL  \(file): \(s.name)")
                            for f in failures { Output.out("      step \(f.step), \(f.key): \(f.detail)") }
                        }
                    } catch let e as ScenarioUnsupported {
                        failed += 1
                        Output.out("FAIL  \(file): \(s.name)\n      \(e.description)")
                    }
                }
            }
            Output.out("\(passed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(ExitStatus.expectationFailed.rawValue) }
        }

        /// Runs `scenario` on the server in a fresh schema, dropped afterwards (whether it passed or not).
        static func runOnServer(_ scenario: Scenario, runner: ScenarioRunner, on server: PostgresLocation) throws
            -> [ScenarioFailure]
        {
            let schema = "recdeck_scenario_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
            let store = try PostgresStore.open(server.with(schema: schema))
            defer {
                try? store.dropSchema()
                store.close()
            }
            return try runner.run(scenario, in: store)
        }
    }
}
