import RecordCore
import TerminalScreen

/// Edits a record's name, external id, parent and data as JSON, inline or in `$EDITOR`. Validation is
/// live (line and column of the error); saving shows the diff, then sends `expected_version`, so a
/// change made meanwhile by another process is refused and shown, never overwritten. Nothing typed is lost.
public final class EditorView: View {
    let context: AppContext
    /// The record as it was when editing began (its version is the expected one).
    public private(set) var original: Record
    public private(set) var editor: TextEditor
    /// The live validation error, if the text does not make a valid edit.
    public private(set) var problem: String?

    public init(context: AppContext, record: Record) {
        self.context = context
        original = record
        editor = TextEditor(text: Self.editableText(record))
        validate()
    }

    public var title: String { "edit " + (original.name ?? original.id) }
    public var capturesText: Bool { true }
    public var status: String? {
        problem.map { "✗ " + $0 } ?? "✓ valid JSON  (ctrl-s save · ctrl-z undo · ctrl-o $EDITOR · esc cancel)"
    }

    /// The editable part of a record: name, external id, parent and data.
    static func editableText(_ r: Record) -> String {
        let o: JSONValue = [
            "name": r.name.map(JSONValue.string) ?? .null, "external_id": r.externalID.map(JSONValue.string) ?? .null,
            "parent_id": r.parentID.map(JSONValue.string) ?? .null, "data": r.data,
        ]
        return o.prettyText
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.ctrl("s")], "ctrl-s", "save: shows the diff, then writes with expected_version", hint: true) {
                [unowned self] in save()
            },
            KeyBinding([.ctrl("z"), .ctrl("u")], "ctrl-z", "undo the last edit") { [unowned self] in
                if editor.undo() { validate() } else { return .message("nothing to undo") }
                return .none
            },
            KeyBinding([.ctrl("o")], "ctrl-o", "continue in $EDITOR") { [unowned self] in openExternal() },
            KeyBinding([.escape], "esc", "cancel (asks when there are changes)", hint: true) { [unowned self] in
                cancel()
            },
        ]
    }

    public func handle(_ key: Key) -> Effect {
        if let b = bindings.first(where: { $0.keys.contains(key) }) { return b.run() }
        if editor.handle(key) { validate() }
        return .none
    }

    /// Parses the text into the unified request that saves it, or says what is wrong.
    func request() -> Result<UpsertRequest, BackendFailure> {
        let value: JSONValue
        do { value = try JSONValue.parse(editor.text) } catch {
            return .failure(BackendFailure(message: error.message))
        }
        guard let o = value.objectValue else {
            return .failure(
                BackendFailure(message: "the edit must be a JSON object with name, external_id, parent_id and data"))
        }
        let known: Set<String> = ["name", "external_id", "parent_id", "data"]
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) }) {
            return .failure(
                BackendFailure(
                    message: "unknown member \"\(unknown)\": only name, external_id, parent_id and data can be edited"))
        }
        var r = UpsertRequest(type: original.type)
        r.lookup = .recordID(original.id)
        r.merge = .replace
        r.expectedVersion = original.version
        func update(_ key: String) -> Result<FieldUpdate<String>, BackendFailure> {
            switch o[key] {
            case nil, .null?: return .success(.clear)
            case .string(let s)?: return .success(.set(s))
            case let v?: return .failure(BackendFailure(message: "\(key) must be a string or null, got \(v.typeName)"))
            }
        }
        do {
            r.name = try update("name").get()
            r.externalID = try update("external_id").get()
            r.parentID = try update("parent_id").get()
        } catch { return .failure(error) }
        guard let data = o["data"], data.objectValue != nil else {
            return .failure(BackendFailure(message: "data must be a JSON object"))
        }
        r.data = data
        return .success(r)
    }

    /// The line number an error message names, if any.
    var problemLine: Int? { Widgets.lineNumber(in: problem) }

    private func validate() {
        if case .failure(let e) = request() { problem = e.message } else { problem = nil }
    }

    private func cancel() -> Effect {
        guard editor.text != Self.editableText(original) else { return .pop }
        return .confirm(
            Confirmation(
                title: "Discard your changes?",
                lines: [[Span("The record stays as it was; what you typed here is dropped.", CellStyle(.dim))]]
            ) { .pop })
    }

    /// Plans the edit, shows its diff, and on confirmation applies it with `expected_version`.
    private func save() -> Effect {
        if let refusal = context.refusal("saving an edit") { return refusal }
        let request: UpsertRequest
        switch self.request() {
        case .failure(let e): return .error("cannot save: \(e.message)")
        case .success(let r): request = r
        }
        let plan: Plan
        switch context.attempt({ try context.backend.plan(request) }) {
        case .failure(let e): return .error(e.message)
        case .success(let p): plan = p
        }
        switch plan.decision {
        case .unchanged: return .message("no changes to save")
        case .stale: return staleEffect(plan)
        case .update: break
        default: return .error("cannot save: \(plan.decision.rawValue): \(plan.errorSummary)")
        }
        var lines = Widgets.diffLines(plan.diff)
        for w in plan.warnings { lines.append([Span("warning ", CellStyle(.warning, bold: true)), Span(w)]) }
        lines.append([
            Span(
                "writes version \(original.version + 1), only if the record is still at version \(original.version)",
                CellStyle(.dim))
        ])
        return .confirm(
            Confirmation(title: "Save \(plan.diff.count) change\(plan.diff.count == 1 ? "" : "s")?", lines: lines) {
                [unowned self] in
                switch context.attempt({ try context.backend.upsert(request) }) {
                case .failure(let e): return .error("save failed, nothing written: \(e.message)")
                case .success(let p) where p.decision == .stale: return staleEffect(p)
                case .success(let p) where p.decision.writes:
                    return .all([
                        .pop,
                        .message(
                            "saved \(p.record?.name ?? original.id): version \(p.record?.version ?? original.version + 1)"
                        ),
                    ])
                case .success(let p): return .error("not saved: \(p.decision.rawValue): \(p.errorSummary)")
                }
            })
    }

    private func staleEffect(_ plan: Plan) -> Effect {
        let now = (try? context.backend.record(id: original.id))??.version
        return .error(
            "not saved: the record was changed meanwhile (now version \(now.map(String.init) ?? "?"), you edited \(original.version)); your text is kept — esc, reopen and re-apply"
        )
    }

    /// Opens the text in `$EDITOR`; invalid JSON re-opens it with the error noted at the top.
    public func openExternal(note: String? = nil) -> Effect {
        var text = editor.text
        if let note { text = "// recdeck: \(note)\n// (lines starting with // are removed when you save)\n" + text }
        return .externalEdit(
            ExternalEdit(text: text) { [unowned self] result in
                switch result {
                case .failure(let e): return .error("$EDITOR: \(e.message); your text is kept here")
                case .success(let edited):
                    let cleaned = edited.split(separator: "\n", omittingEmptySubsequences: false)
                        .filter { !$0.hasPrefix("// recdeck:") && !$0.hasPrefix("// (lines starting") }.joined(
                            separator: "\n")
                    let trimmed = cleaned.hasSuffix("\n") ? String(cleaned.dropLast()) : cleaned
                    let unchanged = trimmed == editor.text
                    if !unchanged { editor.setText(trimmed) }
                    validate()
                    if let problem, !unchanged { return openExternal(note: problem) }
                    if let problem { return .error("still invalid: \(problem); your text is kept here") }
                    return .message("back from $EDITOR: ctrl-s saves")
                }
            })
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let inner = Widgets.box(
            into: &buffer, area,
            title: "editing \(original.type) \(original.name ?? original.id) at version \(original.version)",
            focused: true)
        var editArea = inner
        if let problem {
            editArea.height -= 1
            buffer.put(
                TextLayout.fit("✗ " + problem, inner.width), row: inner.bottom - 1, column: inner.column,
                style: CellStyle(.error, bold: true))
        }
        editor.render(into: &buffer, editArea, errorLine: problemLine)
    }
}
