/// A value two records must share, after a normalisation, to be duplicates under a key condition.
public struct DuplicateKey: Hashable, Sendable {
    /// What the reason calls it ("email", "phone", "name", "$.external_ids.rex.property_id").
    public var label: String
    public var source: IdentifierSource
    public var normalize: Normalization
    /// For name keys: phonetic or nickname keys instead of the name itself.
    public var keying: NameKeying?
    public init(label: String, source: IdentifierSource, normalize: Normalization, keying: NameKeying? = nil) {
        self.label = label; self.source = source; self.normalize = normalize; self.keying = keying
    }

    /// The readable reason two records agree on this key, e.g. "same email after lowercasing".
    public var reason: String {
        switch keying {
        case .phonetic?: return "same phonetic key"
        case .nickname?: return "same name allowing nicknames"
        case nil: break
        }
        switch normalize {
        case .exact: return "same \(label)"
        case .casefold: return "same \(label) ignoring case"
        case .email: return "same \(label) after lowercasing"
        case .phone: return "same \(label) digits"
        }
    }

    private var identifier: Identifier { Identifier(name: label, source: source, normalize: normalize) }

    /// Normalised keys of a raw value: one per element of an array, none for empty values.
    public func keys(of raw: JSONValue?) -> [String] { identifier.keys(of: derived(raw)) }

    /// Normalised keys of a value already `derived`.
    func keys(ofDerived value: JSONValue?) -> [String] { identifier.keys(of: value) }

    /// The value the scan compares: a name turned into its phonetic or nickname keys, else the raw value.
    public func derived(_ raw: JSONValue?) -> JSONValue? {
        guard let keying else { return raw }
        guard let name = raw?.stringValue else { return nil }
        return .array(keying.keys(ofName: name).map(JSONValue.string))
    }

    /// The raw value a record holds at this key's source.
    public func rawValue(of record: Record) -> JSONValue? {
        identifier.rawValue(name: record.name, externalID: record.externalID, data: record.data)
    }
}

/// One thing a pair of records must satisfy under a rule.
public enum DuplicateCondition: Hashable, Sendable {
    /// Equal normalised values at a source.
    case key(DuplicateKey)
    /// Names at least `threshold` similar (token-sorted Jaro–Winkler on casefolded, accent-free names).
    case similarName(threshold: Double)
}

/// A duplicate rule: records are duplicates when every condition holds (`email+fuzzy-name`). Several
/// rules given together are alternatives: a pair found by any of them is reported, with every rule's
/// evidence in its reason.
public struct DuplicateRule: Hashable, Sendable, CustomStringConvertible {
    public var conditions: [DuplicateCondition]
    /// The text the rule was parsed from (or its canonical spelling).
    public var description: String

    public init(conditions: [DuplicateCondition], description: String) {
        self.conditions = conditions; self.description = description
    }

    /// The rule's key conditions, in order.
    public var keys: [DuplicateKey] {
        conditions.compactMap { if case .key(let k) = $0 { return k } else { return nil } }
    }

    /// The strictest name-similarity threshold among the rule's conditions, nil when it compares no names.
    public var nameThreshold: Double? {
        conditions.compactMap { if case .similarName(let t) = $0 { return t } else { return nil } }.max()
    }

    /// The default fuzzy-name threshold.
    public static let defaultThreshold = 0.9

    /// The rule names `parse` knows, for help texts and the TUI's picker.
    public static let syntax =
        "email | phone | name | fuzzy-name[:0.9] | phonetic-name | nickname | JSONPATH[:exact|casefold|email|phone] | external_id, joined by + to require all"

    /// Parses `email`, `phone`, `name`, `fuzzy-name[:T]`, `external_id`, `$.path[:normalisation]`, or several
    /// of these joined by `+` (all must hold). `email` and `phone` read the type's first field of that type
    /// (else `$.email` / `$.phone`).
    public static func parse(_ text: String, for type: ObjectType, nicknames: NicknameTable? = nil)
        throws(DuplicateRuleError) -> DuplicateRule
    {
        let parts = text.split(separator: "+", omittingEmptySubsequences: false).map { String($0).trimmed }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw DuplicateRuleError("empty rule in \"\(text)\"; rules are \(syntax)")
        }
        var conditions: [DuplicateCondition] = []
        for part in parts {
            let condition = try parseCondition(part, for: type, nicknames: nicknames)
            if !conditions.contains(condition) { conditions.append(condition) }
        }
        return DuplicateRule(conditions: conditions, description: text.trimmed)
    }

    private static func parseCondition(_ text: String, for type: ObjectType, nicknames: NicknameTable?)
        throws(DuplicateRuleError) -> DuplicateCondition
    {
        let lower = text.lowercased()
        switch lower {
        case "email":
            return .key(
                DuplicateKey(label: "email", source: fieldSource(.email, in: type, default: "email"), normalize: .email)
            )
        case "phone":
            return .key(
                DuplicateKey(label: "phone", source: fieldSource(.phone, in: type, default: "phone"), normalize: .phone)
            )
        case "name": return .key(DuplicateKey(label: "name", source: .name, normalize: .casefold))
        case "external_id": return .key(DuplicateKey(label: "external_id", source: .externalID, normalize: .exact))
        case "phonetic-name":
            return .key(DuplicateKey(label: "phonetic-name", source: .name, normalize: .exact, keying: .phonetic))
        case "nickname":
            guard let nicknames else { throw DuplicateRuleError("the nickname rule needs a nickname list") }
            return .key(
                DuplicateKey(label: "nickname", source: .name, normalize: .exact, keying: .nickname(nicknames)))
        default: break
        }
        if lower == "fuzzy-name" || lower.hasPrefix("fuzzy-name:") {
            guard lower != "fuzzy-name" else { return .similarName(threshold: defaultThreshold) }
            let value = lower.dropFirst("fuzzy-name:".count)
            guard let t = Double(value), t > 0, t <= 1 else {
                throw DuplicateRuleError(
                    "fuzzy-name threshold \"\(value)\" must be a number above 0 and at most 1, e.g. fuzzy-name:0.9")
            }
            return .similarName(threshold: t)
        }
        guard text.hasPrefix("$") else { throw DuplicateRuleError("unknown rule \"\(text)\"; rules are \(syntax)") }
        var pathText = text, normalize = Normalization.exact
        if let colon = text.lastIndex(of: ":"),
            let n = Normalization(rawValue: String(text[text.index(after: colon)...]))
        {
            pathText = String(text[..<colon]); normalize = n
        }
        let path: JSONPath
        do { path = try JSONPath(parsing: pathText) } catch { throw DuplicateRuleError("rule \"\(text)\": \(error)") }
        guard !path.segments.isEmpty else {
            throw DuplicateRuleError("rule \"\(text)\": the path must name a value inside data, not $ itself")
        }
        return .key(DuplicateKey(label: path.description, source: .data(path), normalize: normalize))
    }

    private static func fieldSource(_ fieldType: FieldType, in type: ObjectType, default key: String)
        -> IdentifierSource
    {
        .data(JSONPath(segments: [.key(type.fields.first { $0.type == fieldType }?.key ?? key)]))
    }

    /// Rules worth offering for a type, in the TUI's picker order: email and phone when the type has
    /// such fields, then name, fuzzy name and, for contacts, a fuzzy name with the same phone.
    public static func suggestions(for type: ObjectType, nicknames: NicknameTable? = nil) -> [DuplicateRule] {
        var texts: [String] = []
        let hasEmail = type.fields.contains { $0.type == .email } || type.isSchemaless
        let hasPhone = type.fields.contains { $0.type == .phone } || type.isSchemaless
        if hasEmail { texts.append("email") }
        if hasPhone { texts.append("phone") }
        texts += ["name", "fuzzy-name"]
        if hasPhone { texts.append("fuzzy-name+phone") }
        if hasPhone { texts.append("phonetic-name+phone") }
        if nicknames != nil { texts.append(hasPhone ? "nickname+phone" : "nickname") }
        return texts.compactMap { try? parse($0, for: type, nicknames: nicknames) }
    }

    /// The rule `dupes` uses when none is given: email when the type has an email field, else name.
    public static func defaultRule(for type: ObjectType) -> DuplicateRule { suggestions(for: type)[0] }
}

/// A rule that cannot be read, with the reason.
public struct DuplicateRuleError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
