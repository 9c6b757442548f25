import RecordCore
import TerminalScreen

/// Chooses the Records grid's columns: the shown ones in order (checked), then the others the type
/// offers (its fields, identifiers, the record attributes, keys seen in the data). `space` shows or
/// hides, `K`/`J` move, `+` adds any path (refused by name when the type does not declare it), `enter`
/// applies and saves for the type, `esc` leaves without changing anything (asking when something changed).
public final class ColumnPickerView: View {
    let context: AppContext
    let type: ObjectType
    let original: [GridColumn]
    let onApply: ([GridColumn]) -> Effect
    /// Every column on offer, in order, each shown or not.
    public private(set) var entries: [(column: GridColumn, shown: Bool)]
    private var cursor = 0
    private var offset = 0
    /// The path being typed after `+`, when open.
    private var input: String?

    public init(
        context: AppContext, type: ObjectType, columns: [GridColumn], sample: [Record],
        onApply: @escaping ([GridColumn]) -> Effect
    ) {
        self.context = context; self.type = type; self.original = columns; self.onApply = onApply
        var offered = columns
        let more =
            GridColumn.defaults(for: type, sample: sample, showingArchived: true)
            + type.identifiers.compactMap { id -> GridColumn? in
                if case .data(let p) = id.source { return .path(p) }
                return id.source == .externalID ? .externalID : nil
            }
            + sample.flatMap {
                ($0.data.objectValue ?? [:]).keys.sorted().map { GridColumn.path(JSONPath(segments: [.key($0)])) }
            }
            + GridColumn.attributes
        for c in more where !offered.contains(c) { offered.append(c) }
        entries = offered.map { ($0, columns.contains($0)) }
    }

    public var title: String { "columns" }
    public var capturesText: Bool { input != nil }
    public var status: String? { "\(entries.filter(\.shown).count) of \(entries.count) shown" }

    /// The columns that would be shown, in order.
    public var chosen: [GridColumn] { entries.filter(\.shown).map(\.column) }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "move", hint: true) { [unowned self] in
                cursor = min(entries.count - 1, cursor + 1); return .none
            },
            KeyBinding([.char("k"), .up], "k/↑", "up") { [unowned self] in
                cursor = max(0, cursor - 1); return .none
            },
            KeyBinding([.char(" ")], "space", "show / hide", hint: true) { [unowned self] in toggle() },
            KeyBinding([.char("K")], "K/J", "move the column up / down", hint: true) { [unowned self] in shift(-1) },
            KeyBinding([.char("J")], "J", "move the column down") { [unowned self] in shift(1) },
            KeyBinding([.char("+")], "+", "add a column by path ($.address.city)", hint: true) { [unowned self] in
                input = ""; return .none
            },
            KeyBinding([.enter], "enter", "apply and save for this type", hint: true) { [unowned self] in
                .all([.pop, onApply(chosen)])
            },
            KeyBinding([.escape], "esc", "leave without changes (asks when something changed)", hint: true) {
                [unowned self] in
                guard chosen != original else { return .pop }
                return .confirm(
                    Confirmation(
                        title: "Drop the column changes?",
                        lines: [[Span("The grid keeps its columns.", CellStyle(.dim))]]
                    ) {
                        .pop
                    })
            },
        ]
    }

    public func handle(_ key: Key) -> Effect {
        guard input != nil else { return dispatch(key) }
        return LineInput.edit(&input, key, submit: add)
    }

    private func toggle() -> Effect {
        guard entries.indices.contains(cursor) else { return .none }
        if entries[cursor].column == .name { return .error("the name column is always shown (it stays at the left)") }
        entries[cursor].shown.toggle()
        return .none
    }

    private func shift(_ d: Int) -> Effect {
        let target = cursor + d
        guard entries.indices.contains(cursor), entries.indices.contains(target) else { return .none }
        if entries[cursor].column == .name || entries[target].column == .name {
            return .error("the name column stays first")
        }
        entries.swapAt(cursor, target)
        cursor = target
        return .none
    }

    /// Adds a typed column (shown), refusing an unknown one by name.
    private func add(_ text: String) -> Effect {
        do {
            let c = try GridColumn(key: text, type: type)
            if let i = entries.firstIndex(where: { $0.column == c }) {
                entries[i].shown = true; cursor = i
            } else {
                entries.append((c, true)); cursor = entries.count - 1
            }
            return .message("\(c.key) shown; enter applies")
        } catch {
            return .error(error.message)
        }
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        var area = area
        if let text = input {
            Widgets.bottomInput(
                "+ " + text, hint: "  a path ($.address.city) or an attribute (id, created, version…) — enter adds",
                into: &buffer, area: &area)
        }
        buffer.put(
            "Columns of \(type.key): shown ones in order, then the others", row: area.row, column: area.column + 1,
            maxWidth: area.width - 2, style: CellStyle(.dim))
        let list = Rect(row: area.row + 1, column: area.column, width: area.width, height: area.height - 1)
        offset = Table.scroll(offset: offset, selected: cursor, visible: list.height - 1)
        let rows = entries.map { e in [e.shown ? "[x]" : "[ ]", e.column.key, e.column.header] }
        Table.draw(
            into: &buffer, area: list, columns: [Column("", 3), Column("KEY", 30), Column("HEADER", 0)], rows: rows,
            selected: cursor, offset: offset
        ) { [entries] i in entries[i].shown ? CellStyle() : CellStyle(.dim) }
    }
}
