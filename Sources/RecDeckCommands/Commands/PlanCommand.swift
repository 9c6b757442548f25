import ArgumentParser
import RecordCore
import RecordStore

/// Options shared by `plan` and `upsert`: the type, the body and the dialect; and what both do with them.
struct RequestOptions: ParsableArguments {
    @Argument(help: "Type key.") var type: String
    @Argument(help: "Request body: JSON text, a file, or - for stdin (default).") var body: String?
    @Option(help: "Request dialect (native; voxworks, kizen, nex, zendesk and bulk arrive with the dialect issue).") var dialect = "native"

    /// Decodes the request, plans it (`applying`: and applies it in the same transaction), prints the plan,
    /// and exits with the status the decision implies.
    func run(_ global: GlobalOptions, applying: Bool) throws {
        if applying { try global.requireWritable("upsert") }
        guard dialect == "native" else {
            throw CLIError("dialect \"\(dialect)\" is not implemented yet; use --dialect native", status: .usage)
        }
        let store = try global.openStore()
        let plan: Plan
        switch NativeRequest.result(type: type, bytes: try BodyInput.read(body)) {
        case .failure(let e): plan = .invalid(e)
        case .success(let r): plan = applying ? try store.upsert(r, source: WriteSource("cli")) : try store.plan(r)
        }
        if global.json { Output.json(plan.json) } else { PlanText.render(plan).forEach { Output.out($0) } }
        let status: ExitStatus
        switch plan.decision {
        case .invalid, .not_found, .stale: status = .error
        case .conflict, .ambiguous: status = applying ? .conflict : .ok
        default: status = .ok
        }
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

/// `recdeck plan TYPE [BODY|-]`: preview what an upsert would do; writes nothing.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Preview an upsert: decision, match, diff, alternatives. Writes nothing.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: RequestOptions

    func run() throws { try options.run(global, applying: false) }
}

/// `recdeck upsert TYPE [BODY|-]`: plan and apply in one transaction; exit 3 on a conflict.
struct UpsertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upsert", abstract: "Apply an upsert (exit 3 when it needs a decision).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: RequestOptions

    func run() throws { try options.run(global, applying: true) }
}
