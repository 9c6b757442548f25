import ArgumentParser
import RecordCore

/// `recdeck types`: every type with counts, pending conflicts and identifiers.
struct TypesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types", abstract: "List object types with their counts.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let types = try store.types()
        if global.json {
            Output.json(
                .array(
                    types.map { t in
                        [
                            "key": .string(t.type.key), "name": .string(t.type.name),
                            "kind": .string(t.type.kind.rawValue),
                            "active": .int(Int64(t.active)), "archived": .int(Int64(t.archived)),
                            "pending_conflicts": .int(Int64(t.pendingConflicts)),
                            "identifiers": .array(t.type.identifiers.map { .string($0.name) }), "schema": t.type.json,
                        ]
                    }))
            return
        }
        if types.isEmpty { Output.out("no types yet: `recdeck type apply SCHEMA.json`, or `recdeck demo`"); return }
        Output.table(
            ["KEY", "NAME", "KIND", "ACTIVE", "ARCHIVED", "CONFLICTS", "IDENTIFIERS"],
            types.map { t in
                [
                    t.type.key, Output.cell(t.type.name), t.type.kind.rawValue, String(t.active), String(t.archived),
                    String(t.pendingConflicts),
                    t.type.identifiers.map { "\($0.name)(\($0.source), \($0.normalize.rawValue))" }.joined(
                        separator: " "),
                ]
            })
    }
}
