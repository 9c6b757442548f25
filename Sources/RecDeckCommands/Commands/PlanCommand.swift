import ArgumentParser
import RecordCore
import RecordStore

/// Options shared by `plan` and `upsert`: the type, the body and the dialect.
struct RequestOptions: ParsableArguments {
    @Argument(help: "Type key.") var type: String
    @Argument(help: "Request body: JSON text, a file, or - for stdin (default).") var body: String?
    @Option(help: "Request dialect (native; voxworks, kizen, nex, zendesk and bulk arrive with the dialect issue).") var dialect = "native"

    func request() throws -> Result<UpsertRequest, RequestError> {
        guard dialect == "native" else {
            throw CLIError("dialect \"\(dialect)\" is not implemented yet; use --dialect native", status: .usage)
        }
        let bytes = try BodyInput.read(body)
        return Result { () throws(RequestError) -> UpsertRequest in try NativeRequest.decode(type: type, bytes: bytes) }
    }
}

/// Prints a plan (readable or JSON) and returns the exit status it implies.
func report(_ plan: Plan, json: Bool, applying: Bool) -> ExitStatus {
    if json { Output.json(plan.json) } else { PlanText.render(plan).forEach { Output.out($0) } }
    switch plan.decision {
    case .invalid, .not_found, .stale: return .error
    case .conflict, .ambiguous: return applying ? .conflict : .ok
    default: return .ok
    }
}

/// `recdeck plan TYPE [BODY|-]`: preview what an upsert would do; writes nothing.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Preview an upsert: decision, match, diff, alternatives. Writes nothing.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: RequestOptions

    func run() throws {
        let store = try global.openStore()
        let plan: Plan
        switch try options.request() {
        case .failure(let e): plan = .invalid(e.errors, status: e.status == 400 ? nil : e.status)
        case .success(let r): plan = try store.plan(r)
        }
        let status = report(plan, json: global.json, applying: false)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

/// `recdeck upsert TYPE [BODY|-]`: plan and apply in one transaction; exit 3 on a conflict.
struct UpsertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upsert", abstract: "Apply an upsert (exit 3 when it needs a decision).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: RequestOptions

    func run() throws {
        try global.requireWritable("upsert")
        let store = try global.openStore()
        let plan: Plan
        switch try options.request() {
        case .failure(let e): plan = .invalid(e.errors, status: e.status == 400 ? nil : e.status)
        case .success(let r): plan = try store.upsert(r, source: WriteSource("cli"))
        }
        let status = report(plan, json: global.json, applying: true)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
