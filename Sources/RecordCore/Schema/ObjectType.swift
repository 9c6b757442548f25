/// The kind of an object type: contacts are matched by email in the Kizen dialect.
public enum TypeKind: String, Sendable, CaseIterable { case contact, custom }

/// What happens to data attributes the type does not declare.
public enum UnknownFieldsPolicy: String, Sendable, CaseIterable { case keep, ignore, reject }

/// The value type of a declared field.
public enum FieldType: String, Sendable, CaseIterable {
    case string, number, integer, boolean, email, phone, date, object, array
}

/// A declared data field.
public struct FieldDefinition: Sendable, Equatable {
    public var key: String
    public var type: FieldType
    public var required: Bool
    public init(key: String, type: FieldType, required: Bool = false) {
        self.key = key; self.type = type; self.required = required
    }
}

/// Rules of a type's `name`.
public struct NameField: Sendable, Equatable {
    public var required = false
    public var unique = false
    public var autonumber = false
    public var prefix = ""
    public init(required: Bool = false, unique: Bool = false, autonumber: Bool = false, prefix: String = "") {
        self.required = required; self.unique = unique; self.autonumber = autonumber; self.prefix = prefix
    }
}

/// An object type: its fields, identifiers and policies (DESIGN §2).
public struct ObjectType: Sendable, Equatable {
    public var key: String
    public var name: String
    public var kind: TypeKind
    public var fields: [FieldDefinition] { didSet { fieldIndex = Self.index(fields) } }
    /// Each field's position in `fields` by key, kept up to date (every request's attributes are looked up).
    private var fieldIndex: [String: Int]
    /// Identifiers as declared; see `identifiers` for the effective list.
    public var declaredIdentifiers: [Identifier] {
        didSet { identifiers = Self.effective(declaredIdentifiers, nameField) }
    }
    public var nameField: NameField { didSet { identifiers = Self.effective(declaredIdentifiers, nameField) } }
    /// Declared identifiers plus the implicit ones: `external_id` (exact) always, `name` (casefold)
    /// when the name is unique. Kept up to date, not recomputed per call (the planner asks often).
    public private(set) var identifiers: [Identifier]
    public var unknownFields: UnknownFieldsPolicy
    public var workspaceID: String?

    public init(
        key: String, name: String, kind: TypeKind = .custom, nameField: NameField = NameField(),
        fields: [FieldDefinition] = [], identifiers: [Identifier] = [],
        unknownFields: UnknownFieldsPolicy = .keep, workspaceID: String? = nil
    ) {
        self.key = key; self.name = name; self.kind = kind; self.nameField = nameField; self.fields = fields
        self.declaredIdentifiers = identifiers; self.unknownFields = unknownFields; self.workspaceID = workspaceID
        self.identifiers = Self.effective(identifiers, nameField)
        self.fieldIndex = Self.index(fields)
    }

    private static func index(_ fields: [FieldDefinition]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (n, f) in fields.enumerated() where index[f.key] == nil { index[f.key] = n }
        return index
    }

    private static func effective(_ declared: [Identifier], _ nameField: NameField) -> [Identifier] {
        var list = declared
        if !list.contains(where: { $0.source == .externalID }) {
            list.append(Identifier(name: "external_id", source: .externalID, normalize: .exact))
        }
        if nameField.unique, !list.contains(where: { $0.source == .name }) {
            list.append(Identifier(name: "name", source: .name, normalize: .casefold))
        }
        return list
    }

    public func identifier(named name: String) -> Identifier? { identifiers.first { $0.name == name } }

    /// The identifier whose source is this data path, if any.
    public func identifier(forPath path: JSONPath) -> Identifier? {
        identifiers.first { $0.source == .data(path) }
    }

    public func field(_ key: String) -> FieldDefinition? { fieldPosition(key).map { fields[$0] } }

    /// The declared type of a field, if the type declares it.
    public func fieldType(_ key: String) -> FieldType? { fieldPosition(key).map { fields[$0].type } }

    /// Where the field `key` is in `fields`: a few are scanned (`KeyScan`), more found through the index.
    private func fieldPosition(_ key: String) -> Int? {
        guard fields.count > KeyScan.limit else { return KeyScan.index(of: key, in: fields) { $0.key } }
        return fieldIndex[key]
    }

    /// A type that declares no fields is schemaless: no attribute is unknown.
    public var isSchemaless: Bool { fields.isEmpty }

    /// A valid type key: `[a-z0-9_-]{1,64}`.
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 64
            && key.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
            }
    }
}

extension ObjectType {
    /// Decodes a schema in the JSON shape of the conformance files and `recdeck type apply`.
    public init(json: JSONValue) throws(SchemaError) {
        let r = try JSONReader(json, context: "type")
        let key = try r.requiredString("key")
        guard ObjectType.isValidKey(key) else {
            throw SchemaError("type.key \"\(key)\" must match [a-z0-9_-]{1,64}")
        }
        let ctx = "type \(key)"
        let rr = try JSONReader(json, context: ctx)
        let kindText = try rr.string("kind") ?? "custom"
        guard let kind = TypeKind(rawValue: kindText) else {
            throw SchemaError("\(ctx).kind must be contact or custom, got \"\(kindText)\"")
        }
        var nameField = NameField()
        if let nf = r.object["name_field"], !nf.isNull {
            let n = try JSONReader(nf, context: "\(ctx).name_field")
            nameField = NameField(
                required: try n.bool("required") ?? false, unique: try n.bool("unique") ?? false,
                autonumber: try n.bool("autonumber") ?? false, prefix: try n.string("prefix") ?? "")
        }
        var fields: [FieldDefinition] = []
        for (i, f) in (try rr.array("fields") ?? []).enumerated() {
            let fr = try JSONReader(f, context: "\(ctx).fields[\(i)]")
            let fkey = try fr.requiredString("key")
            let tname = try fr.requiredString("type")
            guard let ftype = FieldType(rawValue: tname) else {
                throw SchemaError(
                    "\(ctx).fields[\(i)].type \"\(tname)\" is not one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            fields.append(FieldDefinition(key: fkey, type: ftype, required: try fr.bool("required") ?? false))
        }
        var identifiers: [Identifier] = []
        for (i, idv) in (try rr.array("identifiers") ?? []).enumerated() {
            let ir = try JSONReader(idv, context: "\(ctx).identifiers[\(i)]")
            let name = try ir.requiredString("name")
            let sourceText = try ir.requiredString("source")
            let source: IdentifierSource
            do { source = try IdentifierSource(parsing: sourceText) } catch {
                throw SchemaError("\(ctx).identifiers[\(i)].source: \(error)")
            }
            let normText = try ir.string("normalize") ?? "exact"
            guard let norm = Normalization(rawValue: normText) else {
                throw SchemaError(
                    "\(ctx).identifiers[\(i)].normalize \"\(normText)\" is not one of exact, casefold, email, phone")
            }
            if identifiers.contains(where: { $0.name == name }) {
                throw SchemaError("\(ctx): identifier \"\(name)\" is declared twice")
            }
            identifiers.append(Identifier(name: name, source: source, normalize: norm))
        }
        let ufText = try rr.string("unknown_fields") ?? "keep"
        guard let uf = UnknownFieldsPolicy(rawValue: ufText) else {
            throw SchemaError("\(ctx).unknown_fields must be keep, ignore or reject")
        }
        var workspace = try? rr.string("workspace_id")
        if workspace == nil, let w = r.object["workspace_id"]?.intValue { workspace = String(w) }
        self.init(
            key: key, name: try rr.string("name") ?? key, kind: kind, nameField: nameField, fields: fields,
            identifiers: identifiers, unknownFields: uf, workspaceID: workspace)
    }

    /// The schema in the same JSON shape it is read from.
    public var json: JSONValue {
        var nf: JSONObject = ["required": .bool(nameField.required), "unique": .bool(nameField.unique)]
        if nameField.autonumber { nf["autonumber"] = true; nf["prefix"] = .string(nameField.prefix) }
        var o: JSONObject = [
            "key": .string(key), "name": .string(name), "kind": .string(kind.rawValue),
            "name_field": .object(nf),
            "fields": .array(
                fields.map { f in
                    var fo: JSONObject = ["key": .string(f.key), "type": .string(f.type.rawValue)]
                    if f.required { fo["required"] = true }
                    return .object(fo)
                }),
            "identifiers": .array(
                declaredIdentifiers.map { i in
                    [
                        "name": .string(i.name), "source": .string(i.source.description),
                        "normalize": .string(i.normalize.rawValue),
                    ]
                }),
            "unknown_fields": .string(unknownFields.rawValue),
        ]
        if let workspaceID { o["workspace_id"] = .string(workspaceID) }
        return .object(o)
    }
}
