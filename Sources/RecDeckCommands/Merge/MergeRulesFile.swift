import Foundation
import RecordCore
import TOMLKit

/// Survivorship rule sets on disk (DESIGN §10): `$XDG_CONFIG_HOME/recdeck/merge-rules/NAME.toml`, or any
/// file given by path, beside the built-in sets.
///
/// ```toml
/// summary = "CRM records win; each field's newest value"
/// master = [{prefer = {"$.source" = "crm"}}, "most-complete"]   # ties: next rule, then the oldest
///
/// [fields]
/// default = "most-recent"
/// tags = "union"
/// owner = {from = {"$.source" = "hubspot"}}
/// ```
enum MergeRulesFile {
    static var folder: URL {
        XDGFolder.recdeck("XDG_CONFIG_HOME", fallback: ".config").appendingPathComponent("merge-rules")
    }

    /// A rule set by built-in name, file path, or name of a file in the folder; nil gives the default set.
    static func load(_ nameOrPath: String?) throws(MergeRuleError) -> MergeRuleSet {
        guard let nameOrPath, !nameOrPath.isEmpty else { return .standard }
        let fm = FileManager.default
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") || fm.fileExists(atPath: nameOrPath) {
            return try read(URL(fileURLWithPath: nameOrPath))
        }
        let named = folder.appendingPathComponent(nameOrPath + ".toml")
        if fm.fileExists(atPath: named.path) { return try read(named) }
        if let builtIn = MergeRuleSet.builtIns.first(where: { $0.name == nameOrPath }) { return builtIn }
        let known = MergeRuleSet.builtIns.map(\.name) + ((try? files()) ?? []).map(\.name)
        throw MergeRuleError(
            "no rule set \"\(nameOrPath)\": not a file, not in \(folder.path), and not built in; known: \(known.joined(separator: ", "))"
        )
    }

    /// The built-in sets, then every readable file in the folder; problems name their `file:line`.
    static func all() -> (sets: [MergeRuleSet], problems: [String]) {
        var sets = MergeRuleSet.builtIns, problems: [String] = []
        for url in (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        where url.pathExtension == "toml" {
            do {
                let set = try read(url)
                sets.removeAll { $0.name == set.name }
                sets.append(set)
            } catch { problems.append(error.description) }
        }
        return (sets, problems)
    }

    private static func files() throws -> [MergeRuleSet] { all().sets.filter { $0.file != nil } }

    static func read(_ url: URL) throws(MergeRuleError) -> MergeRuleSet {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MergeRuleError("cannot read rule file \(url.path)")
        }
        return try parse(
            String(decoding: data, as: UTF8.self), file: url.path, name: url.deletingPathExtension().lastPathComponent)
    }

    /// Parses a rule file; every problem is `file:line: reason`.
    static func parse(_ text: String, file: String, name: String) throws(MergeRuleError) -> MergeRuleSet {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw MergeRuleError(e.description, file: file, line: e.source.begin.line)
        } catch {
            throw MergeRuleError("\(error)", file: file, line: 1)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        /// The line where `key` is set, in `[section]` when given.
        func line(of key: String, in section: String? = nil) -> Int {
            var current: String?
            for (n, l) in lines.enumerated() {
                let t = l.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("[") { current = t.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")); continue }
                guard current == section else { continue }
                let bare =
                    t.hasPrefix("\"")
                    ? String(t.dropFirst().prefix { $0 != "\"" }) : String(t.prefix { $0 != "=" && $0 != " " })
                if bare == key { return n + 1 }
            }
            return 1
        }
        func fail(_ message: String, _ line: Int) -> MergeRuleError { MergeRuleError(message, file: file, line: line) }
        var set = MergeRuleSet(name: name, file: file)
        for key in table.keys where !["summary", "master", "fields"].contains(key) {
            throw fail("unknown key \"\(key)\"; a rule file has summary, master and [fields]", line(of: key))
        }
        if let s = table["summary"] {
            guard let text = s.string else { throw fail("summary must be a string", line(of: "summary")) }
            set.summary = text
        }
        if let m = table["master"] {
            let at = line(of: "master")
            let items: [TOMLValue]
            if let one = m.string {
                items = [TOMLValue(stringLiteral: one)]
            } else if let array = m.array {
                items = array.map(\.tomlValue)
            } else {
                throw fail("master must be a rule or a list of rules (\(MasterRule.names))", at)
            }
            do {
                set.master = try items.map { item throws(MergeRuleError) in
                    if let s = item.string { return try MasterRule.parse(s) }
                    let (path, value) = try pathValue(item, rule: "prefer")
                    return try MasterRule.prefer(path: path, value: value)
                }
            } catch { throw fail(error.message, at) }
            if set.master.isEmpty { throw fail("master needs at least one rule", at) }
        }
        if let f = table["fields"] {
            guard let fields = f.table else { throw fail("fields must be a table: [fields]", line(of: "fields")) }
            for key in fields.keys {
                let at = line(of: key, in: "fields")
                do {
                    let value = fields[key]!.tomlValue
                    let rule: FieldRule
                    if let s = value.string {
                        rule = try FieldRule.parse(s)
                    } else {
                        let (path, v) = try pathValue(value, rule: "from")
                        rule = try FieldRule.from(path: path, value: v)
                    }
                    if key == "default" {
                        set.defaultField = rule
                    } else {
                        let field = try MergeRuleSet.field(key)
                        set.fields[field] = rule
                        set.lines[field] = at
                    }
                } catch { throw fail(error.message, at) }
            }
        }
        return set
    }

    /// `{rule = {PATH = VALUE}}` → the path and value.
    private static func pathValue(_ item: TOMLValue, rule: String) throws(MergeRuleError) -> (String, JSONValue) {
        guard let t = item.table, t.keys.count == 1, t.keys.first == rule, let inner = t[rule]?.table,
            inner.keys.count == 1, let path = inner.keys.first, let raw = inner[path]
        else {
            throw MergeRuleError("\(rule) is written {\(rule) = {\"$.path\" = value}}")
        }
        guard let value = json(raw.tomlValue) else {
            throw MergeRuleError("\(rule) value must be a string, number or boolean")
        }
        return (path, value)
    }

    private static func json(_ v: TOMLValue) -> JSONValue? {
        if let s = v.string { return .string(s) }
        if let b = v.bool { return .bool(b) }
        if let i = v.int { return .int(Int64(i)) }
        if let d = v.double { return .double(d) }
        return nil
    }
}
