import ArgumentParser
import RecordCore
import RecordStore

/// Options shared by `plan` and `upsert`: the dialect, the query, the type and the body; and what both do with them.
struct RequestOptions: ParsableArguments {
    @Option(help: "Request dialect: \(Dialects.names.joined(separator: ", ")).") var dialect = "native"
    @Option(
        name: .customLong("query"),
        help: ArgumentHelp(
            "A query parameter as k=v, repeatable (zendesk external_id= or name=, kizen return_all_fields=true).",
            valueName: "k=v"))
    var query: [String] = []
    @Argument(help: "Type key (the API path's type). Voxworks names the type in its body, so TYPE may be left out.")
    var type: String?
    @Argument(help: "Request body: JSON text, a file, or - for stdin (default).") var body: String?

    /// The dialect, the path type and the body argument, with Voxworks' lone positional read as the body.
    func resolved() throws -> (dialect: any Dialect, type: String?, body: String?, query: [(String, String)]) {
        guard let d = Dialects.named(dialect) else {
            throw CLIError(
                "unknown dialect \"\(dialect)\"; use one of \(Dialects.names.joined(separator: ", "))", status: .usage)
        }
        var pairs: [(String, String)] = []
        for q in query {
            guard let eq = q.firstIndex(of: "="), eq != q.startIndex else {
                throw CLIError("--query \"\(q)\" must be k=v", status: .usage)
            }
            pairs.append((String(q[..<eq]), String(q[q.index(after: eq)...])))
        }
        var type = type, body = body
        if d is VoxworksDialect, body == nil, let only = type,
            only == "-" || only.hasPrefix("{") || only.contains("/") || only.hasSuffix(".json")
        {
            (type, body) = (nil, only)
        }
        if type == nil, !(d is VoxworksDialect) {
            throw CLIError("TYPE is required for --dialect \(d.name)", status: .usage)
        }
        return (d, type, body, pairs)
    }

    /// Decodes the request in its dialect, plans it (`applying`: and applies it in the same
    /// transaction), prints the native response and the plan, and exits with the status the outcome implies.
    func run(_ global: GlobalOptions, applying: Bool) throws {
        if applying { try global.requireWritable("upsert") }
        let (dialect, type, body, query) = try resolved()
        let store = try global.openStore()
        let exchange = try store.exchange(
            dialect, type: type, query: query, bytes: try BodyInput.read(body),
            apply: applying, source: WriteSource("cli"))
        if global.json {
            Output.json(ExchangeText.json(exchange, dialect: dialect))
        } else {
            ExchangeText.render(exchange, dialect: dialect, applying: applying).forEach { Output.out($0) }
        }
        let status = ExchangeText.exitStatus(exchange, dialect: dialect, applying: applying)
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
