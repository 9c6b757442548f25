import Foundation

/// Checks that need no matched record (decision 1), and resolving the lookup (decision 2).
extension Planner {
    // MARK: - Request checks

    /// Errors that do not depend on the matched record; applies the unknown-fields policy to the payload.
    func staticErrors(_ request: inout UpsertRequest, type: ObjectType, warnings: inout [String]) throws
        -> [FieldError]
    {
        var errors: [FieldError] = []
        if let name = request.name.value, name.count > Limits.maxNameLength {
            errors.append(
                FieldError(
                    field: "name",
                    message: "name is \(name.count) characters long; the limit is \(Limits.maxNameLength)"))
        }
        if type.nameField.autonumber, request.name.value != nil {
            errors.append(
                FieldError(
                    field: "name",
                    message: "\(type.key) names are autonumbered (\(type.nameField.prefix)N) and cannot be set"))
        }
        if var data = request.data?.objectValue {
            if Limits.exceedsBodySize(.object(data)) {
                errors.append(FieldError(field: "data", message: "data is over the 1 MiB limit"))
            }
            if data.count > Limits.maxAttributes {
                errors.append(
                    FieldError(
                        field: "data",
                        message: "data has \(data.count) attributes; the limit is \(Limits.maxAttributes)"))
            }
            // One pass looks each attribute's field up: its type checked, or it is undeclared. Undeclared keys
            // are sorted only when there are some (most payloads hold declared fields alone).
            let (typeErrors, unknown) = Validator.check(data, in: type)
            if !unknown.isEmpty {
                for key in unknown.sorted() {
                    switch type.unknownFields {
                    case .keep: break
                    case .ignore:
                        data[key] = nil
                        warnings.append("unknown attribute \"\(key)\" ignored")
                    case .reject:
                        errors.append(
                            FieldError(
                                field: "data.\(key)",
                                message:
                                    "unknown attribute \"\(key)\": \(type.key) rejects attributes it does not declare"))
                    }
                }
                request.data = .object(data)
            }
            errors += typeErrors
        }
        if let assoc = request.associations {
            if assoc.count > Limits.maxAssociations {
                errors.append(
                    FieldError(
                        field: "associations",
                        message: "\(assoc.count) associations; the limit is \(Limits.maxAssociations)"))
            } else {
                var ids: [String] = []
                for target in assoc {
                    let found: Record?
                    switch target {
                    case .id(let id): found = try lookup.record(id: id)
                    case .externalID(let t, let v):
                        found = try lookup.records(type: t, identifier: "external_id", value: v).first
                    }
                    if let found {
                        ids.append(found.id)
                    } else {
                        errors.append(
                            FieldError(field: "associations", message: "association target \(target) does not exist"))
                    }
                }
                request.associations = ids.map(AssociationTarget.id)
            }
        }
        if let parent = request.parentID.value, try lookup.record(id: parent) == nil {
            errors.append(FieldError(field: "parent_id", message: "parent record \"\(parent)\" does not exist"))
        }
        return errors
    }

    /// Decision 2: which identifier or path, and which value, the lookup uses (nil: no lookup, create).
    func resolve(_ request: UpsertRequest, type: ObjectType) throws(RequestError) -> ResolvedLookup? {
        let data = request.data ?? .object([:])
        /// The lookup at `source`: probes `identifier` when given, else scans comparing by `normalize`.
        func at(
            _ source: IdentifierSource, identifier: Identifier?, normalize: Normalization?, explicit value: JSONValue?
        ) -> ResolvedLookup? {
            if let value {
                return ResolvedLookup(
                    identifier: identifier, source: source, normalize: normalize, value: value, explicit: true)
            }
            let reader = Identifier(name: "", source: source, normalize: .exact)
            guard let v = reader.rawValue(name: request.name.value, externalID: request.externalID.value, data: data),
                !v.isEmptyValue
            else { return nil }
            return ResolvedLookup(
                identifier: identifier, source: source, normalize: normalize, value: v, explicit: false)
        }
        switch request.lookup {
        case .none, .recordID:
            return nil
        case .identifier(let name, let value):
            guard let id = type.identifier(named: name) else {
                let known = type.identifiers.map(\.name).joined(separator: ", ")
                throw RequestError(
                    field: "lookup.identifier", "\(type.key) has no identifier \"\(name)\" (identifiers: \(known))")
            }
            return at(id.source, identifier: id, normalize: id.normalize, explicit: value)
        case .path(let path, let value):
            let id = type.identifier(forPath: path)
            return at(.data(path), identifier: id, normalize: id?.normalize, explicit: value)
        case .paths(let paths):
            for path in paths {
                let id = type.identifier(forPath: path)
                if let found = at(.data(path), identifier: id, normalize: id?.normalize, explicit: nil) { return found }
            }
            return nil
        case .source(let source, let value, let normalize):
            guard !value.isEmptyValue else { throw RequestError(field: "lookup.value", "lookup value is empty") }
            let id = type.identifiers.first { $0.source == source && $0.normalize.comparesLike(normalize) }
            return at(source, identifier: id, normalize: normalize, explicit: value)
        }
    }
}
