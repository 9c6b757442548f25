import ArgumentParser
import RecordCore
import RecordStore

/// Options shared by `plan` and `upsert`: the dialect, the query, the type and the body; and what both do with them.
struct RequestOptions: ParsableArguments {
    @Option(help: "Request dialect.") var dialect = DialectArgument(NativeDialect())
    @Option(
        name: .customLong("query"),
        help: ArgumentHelp(
            "A query parameter as k=v, repeatable (zendesk external_id= or name=, kizen return_all_fields=true).",
            valueName: "k=v"))
    var query: [KeyValue] = []
    @Argument(help: "Type key (the API path's type). Voxworks names the type in its body, so TYPE may be left out.")
    var type: String?
    @Argument(help: "Request body: JSON text, a file, or - for stdin (default).") var body: String?

    /// The exchange these options describe, with a lone positional read as the body when the dialect names
    /// its type in the body.
    func exchange() throws -> Exchange {
        let d = dialect.dialect
        var type = type, body = body
        if d.namesTypeInBody, body == nil, let only = type,
            only == "-" || only.hasPrefix("{") || only.contains("/") || only.hasSuffix(".json")
        {
            (type, body) = (nil, only)
        }
        if type == nil, !d.namesTypeInBody {
            throw CLIError("TYPE is required for --dialect \(d.name)", status: .usage)
        }
        return Exchange(d, type: type, query: query.map { ($0.key, $0.value) }, bytes: try BodyInput.read(body))
    }

    /// Decodes the request in its dialect, plans it (`applying`: and applies it in the same
    /// transaction), prints the native response and the plan, and exits with the status the outcome implies.
    func run(_ global: GlobalOptions, applying: Bool) throws {
        if applying { try global.requireWritable("upsert") }
        let exchange = try exchange()
        let outcome = try global.openStore().perform(exchange, apply: applying, source: WriteSource("cli"))
        if global.json {
            Output.json(ExchangeText.json(outcome))
        } else {
            ExchangeText.render(outcome, applying: applying).forEach { Output.out($0) }
        }
        let status = ExchangeText.exitStatus(outcome, applying: applying)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

/// `recdeck plan [--dialect D] [--query k=v]... TYPE [BODY|-]`: preview what an upsert would do; writes nothing.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "Preview an upsert in any dialect: native response, decision, match, diff, alternatives. Writes nothing.",
        discussion:
            "A bulk batch is previewed inside a transaction that is rolled back, so later records see earlier ones.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: RequestOptions

    func run() throws { try options.run(global, applying: false) }
}

/// `recdeck upsert [--dialect D] [--query k=v]... TYPE [BODY|-]`: plan and apply in one transaction; exit 3 on a conflict.
struct UpsertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upsert", abstract: "Apply an upsert in any dialect (exit 3 when it needs a decision).",
        discussion: "A bulk batch answers with a process id; `recdeck process ID` shows each record's result.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: RequestOptions

    func run() throws { try options.run(global, applying: true) }
}
