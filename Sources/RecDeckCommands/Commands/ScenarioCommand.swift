import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// `recdeck scenario run FILE...`: run conformance scenarios; exit 4 when an expectation fails.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Conformance scenarios.", subcommands: [Run.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run scenario files (DESIGN §4); exit 4 on a failed expectation.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Scenario JSON files.") var files: [String]

        func run() throws {
            guard !files.isEmpty else { throw CLIError("give at least one scenario file", status: .usage) }
            let runner = ScenarioRunner()
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
                        let failures = try runner.run(s)
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
    }
}
