import ArgumentParser
import Foundation
import RecordCore
import RecordStore

/// `recdeck dupes TYPE [--rule R]...`: groups of duplicate records, with score and reason.
struct DupesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dupes", abstract: "Find groups of duplicate records (merge them with `recdeck merge`).",
        discussion:
            "Rules: \(DuplicateRule.syntax). Several --rule options are alternatives: a pair found by any is reported, with all evidence. Only active records are scanned."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Type key.") var type: String
    @Option(
        name: .customLong("rule"),
        help: "A duplicate rule (repeatable); default: email when the type has an email field, else name.")
    var rules: [String] = []
    @Option(help: "Groups to print (human output; --json prints all).") var limit = 20
    @Option(help: "A nickname file adding to the built-in list (for the nickname rule).") var nicknames: String?

    /// Parses `--rule` texts (the type's default rule when none), with the nickname list for `nickname`.
    static func parseRules(_ texts: [String], for type: ObjectType, nicknames: NicknameTable) throws -> [DuplicateRule]
    {
        do {
            return try texts.isEmpty
                ? [DuplicateRule.defaultRule(for: type)]
                : texts.map { text throws(DuplicateRuleError) in
                    try DuplicateRule.parse(text, for: type, nicknames: nicknames)
                }
        } catch { throw CLIError(error.message, status: .usage) }
    }

    func run() throws {
        guard limit > 0 else { throw CLIError("--limit must be at least 1", status: .usage) }
        let (store, objectType) = try global.openSQLiteStore(for: "dupes", requiringType: type)
        let parsed = try Self.parseRules(
            rules, for: objectType, nicknames: try NicknameFile.table(extraFile: nicknames))
        let showProgress = Output.stderrIsTerminal && !global.json
        guard
            let report = try store.scanDuplicates(
                type: type, rules: parsed,
                progress: { p in
                    if showProgress { Output.progress(p.fraction, p.phase) }
                    return true
                })
        else { return }
        if showProgress { Output.clearProgress() }
        if global.json { Output.json(report.json); return }
        let ruleText = report.rules.joined(separator: " or ")
        Output.out(
            "\(type): \(report.scanned) active records scanned by \(ruleText); \(report.groups.count) group\(report.groups.count == 1 ? "" : "s") of duplicates"
        )
        for w in report.warnings { Output.err("warning: \(w)") }
        for (n, group) in report.groups.prefix(limit).enumerated() {
            Output.out("")
            Output.out(
                "#\(n + 1)  score \(String(format: "%.2f", group.score))  \(group.recordIDs.count) records  \(group.reason)"
            )
            let records = try group.recordIDs.compactMap { try store.record(id: $0) }
            let keys = parsed.flatMap(\.keys).reduce(into: [DuplicateKey]()) { if !$0.contains($1) { $0.append($1) } }
            Output.tableLines(
                ["", "ID", "NAME"] + keys.map(\.label),
                records.enumerated().map { i, r in
                    [i == 0 ? "*" : "", r.id, Output.cell(r.name ?? "", max: 30)]
                        + keys.map { k in Output.cell(k.rawValue(of: r)?.plainText ?? "", max: 36) }
                }
            ).forEach { Output.out("  " + $0) }
            if group.pairs.count > 1 {
                for p in group.pairs {
                    Output.out("    \(p.second) ~ \(p.first): \(p.reason) (\(String(format: "%.2f", p.score)))")
                }
            }
            Output.out("  merge: recdeck merge \(type) \(group.recordIDs.joined(separator: " "))")
        }
        if report.groups.count > limit {
            Output.out("\n\(report.groups.count - limit) more groups: --limit \(report.groups.count) or --json")
        }
    }
}
