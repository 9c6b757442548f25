import Foundation

/// How a merge chooses its survivor (DESIGN §10). Rules are tried in order; a tie goes to the next
/// rule, and a tie after the last to the oldest record.
public enum MasterRule: Sendable, Equatable, CustomStringConvertible {
    case oldest, newest, mostRecentlyUpdated, mostComplete, mostChildren
    /// Records whose value at `path` equals `value` first (e.g. the source system that is trusted).
    case prefer(path: JSONPath, value: JSONValue)

    /// The rule names a rule file may use, for error messages.
    public static let names =
        "oldest, newest, most-recently-updated, most-complete, most-children, {prefer = {PATH = VALUE}}"

    /// Parses a named rule (`prefer` needs a path and a value: see `prefer(path:value:)`).
    public static func parse(_ text: String) throws(MergeRuleError) -> MasterRule {
        switch text {
        case "oldest": return .oldest
        case "newest": return .newest
        case "most-recently-updated": return .mostRecentlyUpdated
        case "most-complete": return .mostComplete
        case "most-children": return .mostChildren
        case "prefer": throw MergeRuleError("prefer needs a path and a value: {prefer = {\"$.source\" = \"crm\"}}")
        default: throw MergeRuleError("unknown master rule \"\(text)\"; master rules are \(names)")
        }
    }

    /// `prefer {path = value}`: the path must be a JSONPath into the record's data.
    public static func prefer(path text: String, value: JSONValue) throws(MergeRuleError) -> MasterRule {
        .prefer(path: try MergeRuleSet.dataPath(text, rule: "prefer"), value: value)
    }

    public var description: String {
        switch self {
        case .oldest: return "oldest"
        case .newest: return "newest"
        case .mostRecentlyUpdated: return "most-recently-updated"
        case .mostComplete: return "most-complete"
        case .mostChildren: return "most-children"
        case .prefer(let path, let value): return "prefer \(path) = \(value.jsonText)"
        }
    }

    var json: JSONValue {
        if case .prefer(let path, let value) = self { return ["prefer": .object([path.description: value])] }
        return .string(description)
    }
}

/// How a merge chooses one field's value (DESIGN §10).
public enum FieldRule: Sendable, Equatable, CustomStringConvertible {
    /// The survivor's value; a blank is filled from the next record that has one, arrays are unioned and
    /// objects combined key by key (what merges did before rule sets).
    case survivor
    /// The non-blank value set most recently, by the revision that set it.
    case mostRecent
    /// The non-blank value set longest ago, by the revision that set it.
    case oldest
    /// The non-blank value most records hold (compared after normalisation); ties to the higher-ranked record.
    case mostCommon
    /// The longest non-blank value (as text); ties to the higher-ranked record.
    case longest
    /// Every record's values as one array, without repeats (compared after normalisation).
    case union
    /// The survivor's value whole; only when it is blank, the next record's (no union, no combining).
    case neverBlank
    /// The value of the first record whose `path` holds `value`; else as `survivor`.
    case from(path: JSONPath, value: JSONValue)

    public static let names =
        "survivor, most-recent, oldest, most-common, longest, union, never-blank, {from = {PATH = VALUE}}"

    public static func parse(_ text: String) throws(MergeRuleError) -> FieldRule {
        switch text {
        case "survivor": return .survivor
        case "most-recent": return .mostRecent
        case "oldest": return .oldest
        case "most-common": return .mostCommon
        case "longest": return .longest
        case "union": return .union
        case "never-blank": return .neverBlank
        case "from": throw MergeRuleError("from needs a path and a value: {from = {\"$.source\" = \"crm\"}}")
        default: throw MergeRuleError("unknown field rule \"\(text)\"; field rules are \(names)")
        }
    }

    public static func from(path text: String, value: JSONValue) throws(MergeRuleError) -> FieldRule {
        .from(path: try MergeRuleSet.dataPath(text, rule: "from"), value: value)
    }

    public var description: String {
        switch self {
        case .survivor: return "survivor"
        case .mostRecent: return "most-recent"
        case .oldest: return "oldest"
        case .mostCommon: return "most-common"
        case .longest: return "longest"
        case .union: return "union"
        case .neverBlank: return "never-blank"
        case .from(let path, let value): return "from \(path) = \(value.jsonText)"
        }
    }

    /// How an explanation names the rule: "most recent", "from $.source = \"crm\"".
    public var phrase: String { description.replacingOccurrences(of: "-", with: " ") }

    var json: JSONValue {
        if case .from(let path, let value) = self { return ["from": .object([path.description: value])] }
        return .string(description)
    }
}

/// A bad rule or rule file, with the line it is on when known.
public struct MergeRuleError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public var file: String?
    public var line: Int?
    public init(_ message: String, file: String? = nil, line: Int? = nil) {
        self.message = message; self.file = file; self.line = line
    }
    /// `file:line: reason` when the rule came from a file.
    public var description: String {
        guard let file else { return message }
        return "\(file):\(line ?? 1): \(message)"
    }
}

/// A survivorship rule set: the master rules and the field rules (DESIGN §10).
public struct MergeRuleSet: Sendable, Equatable {
    /// The set's name: a built-in's, or the rule file's name without `.toml`.
    public var name: String
    public var summary: String
    public var master: [MasterRule]
    /// The rule for fields not named in `fields`.
    public var defaultField: FieldRule
    /// Canonical field name (`name`, `external_id`, `parent_id`, `data.<key>`) → its rule.
    public var fields: [String: FieldRule]
    /// Where the set was read from and the line of each field (for `file:line` when a type rejects it).
    public var file: String?
    public var lines: [String: Int]

    public init(
        name: String, summary: String = "", master: [MasterRule] = [.oldest], defaultField: FieldRule = .survivor,
        fields: [String: FieldRule] = [:], file: String? = nil, lines: [String: Int] = [:]
    ) {
        self.name = name; self.summary = summary; self.master = master; self.defaultField = defaultField
        self.fields = fields; self.file = file; self.lines = lines
    }

    /// What merges did before rule sets: the oldest record survives, keeps its values, and blanks are filled.
    public static let standard = MergeRuleSet(
        name: "default", summary: "oldest survives; its values kept, blanks filled, arrays unioned")

    /// Sets that ship with recdeck, offered in the Merge view beside the user's files.
    public static let builtIns: [MergeRuleSet] = [
        standard,
        MergeRuleSet(
            name: "most-complete", summary: "the fullest record survives; blanks filled",
            master: [.mostComplete, .mostRecentlyUpdated], defaultField: .neverBlank),
        MergeRuleSet(
            name: "most-recent", summary: "the latest-updated record survives; each field's newest value",
            master: [.mostRecentlyUpdated], defaultField: .mostRecent),
    ]

    /// The rule for a field (any spelling `MergePlanner.fieldName` reads): its own, else the default — except
    /// that a field an identifier reads keeps `survivor` unless the set names it, so a merge never trades
    /// the survivor's identity (the key integrations find it by) for a loser's by a blanket default.
    public func rule(for field: String, in type: ObjectType? = nil) -> FieldRule {
        let field = MergePlanner.fieldName(field)
        if let own = fields[field] { return own }
        if let type, Self.identifierFields(of: type).contains(field) { return .survivor }
        return defaultField
    }

    /// The top-level fields identifiers read (`name`, `external_id`, `data.<key>`).
    static func identifierFields(of type: ObjectType) -> Set<String> {
        Set(
            type.identifiers.compactMap { id -> String? in
                switch id.source {
                case .name: return "name"
                case .externalID: return "external_id"
                case .data(let path):
                    guard case .key(let key)? = path.segments.first else { return nil }
                    return "data." + key
                }
            })
    }

    /// A data path for `prefer` and `from`: a JSONPath (`$.source`) naming a value inside data.
    static func dataPath(_ text: String, rule: String) throws(MergeRuleError) -> JSONPath {
        guard text.hasPrefix("$") else {
            throw MergeRuleError("\(rule) path \"\(text)\" is not a JSONPath; write \"$.\(text)\"")
        }
        let path: JSONPath
        do { path = try JSONPath(parsing: text) } catch {
            throw MergeRuleError("\(rule) path \"\(text)\" is not a JSONPath: \(error)")
        }
        guard !path.segments.isEmpty else { throw MergeRuleError("\(rule) path must name a value inside data, not $") }
        return path
    }

    /// The canonical field a rule file names: `name`, `external_id`, `parent_id`, a data key or `$.key`.
    public static func field(_ text: String) throws(MergeRuleError) -> String {
        if text.hasPrefix("$") {
            let path = try dataPath(text, rule: "field")
            guard path.segments.count == 1, case .key(let key) = path.segments[0] else {
                throw MergeRuleError("field \"\(text)\": field rules name a top-level field ($.key)")
            }
            return "data." + key
        }
        guard !text.trimmed.isEmpty else { throw MergeRuleError("a field rule needs a field name") }
        return MergePlanner.fieldName(text)
    }

    /// Refuses fields the type does not have (types without a schema accept any data key).
    public func check(for type: ObjectType) throws(MergeRuleError) {
        guard !type.isSchemaless else { return }
        let known = ["name", "external_id", "parent_id"] + type.fields.map { "data." + $0.key }
        for field in fields.keys.sorted() where !known.contains(field) {
            throw MergeRuleError(
                "unknown field \"\(field)\" for \(type.key); fields are \(known.joined(separator: ", "))", file: file,
                line: lines[field])
        }
    }

    /// The set as JSON (kept with a merge run, so its review queue merges by the same rules later).
    public var json: JSONValue {
        var fieldsJSON: JSONObject = [:]
        for (k, v) in fields { fieldsJSON[k] = v.json }
        return [
            "name": .string(name), "summary": .string(summary), "master": .array(master.map(\.json)),
            "default": defaultField.json, "fields": .object(fieldsJSON),
        ]
    }

    /// Reads `json` back.
    public init(json: JSONValue) throws(MergeRuleError) {
        func pathValue(_ v: JSONValue?) -> (String, JSONValue)? {
            guard let o = v?.objectValue, o.count == 1, let (k, value) = o.first else { return nil }
            return (k, value)
        }
        func master(_ v: JSONValue) throws(MergeRuleError) -> MasterRule {
            if let s = v.stringValue { return try MasterRule.parse(s) }
            guard let (p, value) = pathValue(v.objectValue?["prefer"]) else { throw MergeRuleError("bad master rule") }
            return try MasterRule.prefer(path: p, value: value)
        }
        func field(_ v: JSONValue) throws(MergeRuleError) -> FieldRule {
            if let s = v.stringValue { return try FieldRule.parse(s) }
            guard let (p, value) = pathValue(v.objectValue?["from"]) else { throw MergeRuleError("bad field rule") }
            return try FieldRule.from(path: p, value: value)
        }
        var masters: [MasterRule] = []
        for m in json["master"]?.arrayValue ?? [] { masters.append(try master(m)) }
        var fields: [String: FieldRule] = [:]
        for (k, v) in json["fields"]?.objectValue ?? [:] { fields[k] = try field(v) }
        self.init(
            name: json["name"]?.stringValue ?? "rules", summary: json["summary"]?.stringValue ?? "",
            master: masters.isEmpty ? [.oldest] : masters, defaultField: try json["default"].map(field) ?? .survivor,
            fields: fields)
    }
}
