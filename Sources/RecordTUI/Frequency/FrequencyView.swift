import RecordCore
import TerminalScreen

/// How often each value of one column occurs in the grid's rows (its filter applied), the most frequent
/// first, with counts and shares: junk values (`unknown`, `test@test.com`) stand out. Counted in the
/// background with a progress bar; `enter` filters the grid to the selected value.
public final class FrequencyView: View {
    let context: AppContext
    let type: ObjectType
    public let column: GridColumn
    let query: RecordQuery
    let onFilter: (RecordFilter?) -> Effect
    private var job: BackgroundJob<FrequencyTable>?
    public private(set) var table: FrequencyTable?
    /// The table's rows as text, made once when the count arrives (not on every render).
    private var cells: [[String]] = []
    private var notice: (text: String, isError: Bool)?
    private var selected = 0
    private var offset = 0
    private var visible = 10

    public init(
        context: AppContext, type: ObjectType, column: GridColumn, query: RecordQuery,
        onFilter: @escaping (RecordFilter?) -> Effect
    ) {
        self.context = context; self.type = type; self.column = column; self.query = query; self.onFilter = onFilter
        job = context.backend.frequencies(of: column, in: query)
    }

    deinit { job?.cancel() }

    public var title: String { "frequency \(column.key)" }
    public var isBusy: Bool { job != nil }

    public var status: String? {
        if let job { return "counting \(Int(job.progress.fraction * 100))%" }
        guard let table, !table.rows.isEmpty else { return nil }
        return
            "value \(selected + 1)/\(table.rows.count) · \(RowCount.grouped(table.total)) rows · \(RowCount.grouped(table.distinct)) distinct"
    }

    public func tick() -> Bool {
        guard let job else { return false }
        switch job.outcome {
        case nil: return true
        case .done(let t)?:
            table = t
            cells = Self.cells(t)
        case .cancelled?: notice = ("counting cancelled; esc goes back", false)
        case .failed(let m)?: notice = (m, true)
        }
        self.job = nil
        return true
    }

    private var rows: [FrequencyTable.Row] { table?.rows ?? [] }

    public var bindings: [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], "j/k", "move", hint: true) { [unowned self] in move(1) },
            KeyBinding([.char("k"), .up], "k/↑", "up") { [unowned self] in move(-1) },
            KeyBinding([.pageDown, .ctrl("f")], "pgdn", "page down") { [unowned self] in move(visible) },
            KeyBinding([.pageUp, .ctrl("b")], "pgup", "page up") { [unowned self] in move(-visible) },
            KeyBinding([.char("g"), .home], "g/home", "first value") { [unowned self] in move(-Int.max / 2) },
            KeyBinding([.char("G"), .end], "G/end", "last value") { [unowned self] in move(Int.max / 2) },
            KeyBinding([.enter], "enter", "filter the grid to this value", hint: true) { [unowned self] in filter() },
            KeyBinding([.char("y")], "y", "copy this value", hint: true) { [unowned self] in
                guard rows.indices.contains(selected) else { return .none }
                return context.copy(rows[selected].value?.plainText ?? "", what: "the value")
            },
            KeyBinding([.escape], "esc", "cancel the count, or back") { [unowned self] in
                if let job { job.cancel(); return .message("cancelling…") }
                return .pop
            },
        ]
    }

    private func move(_ d: Int) -> Effect {
        let n = rows.count
        selected = max(0, min(n - 1, selected + max(-n, min(n, d))))
        return .none
    }

    /// The filter that shows the selected value's rows: `= value`, or `is null` for a missing or null one.
    func filter() -> Effect {
        guard rows.indices.contains(selected), let target = column.filterTarget else { return .none }
        let f: RecordFilter
        switch rows[selected].value {
        case nil, .null?: f = .isNull(target, negated: false)
        case .object?, .array?: return .error("an object or array value cannot be a filter; y copies it")
        case let v?: f = .compare(target, .equal, v)
        }
        return .all([.pop, onFilter(f)])
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let head = "\(column.key) in \(type.key)" + (query.filter.map { " where \($0)" } ?? "")
        buffer.put(
            TextLayout.fit(head, area.width - 2), row: area.row, column: area.column + 1,
            style: CellStyle(.accent, bold: true))
        let line = area.row + 1
        if let job {
            let p = job.progress
            let c = Widgets.progressBar(
                p.fraction, into: &buffer, row: line, column: area.column + 1, width: max(10, min(40, area.width - 30)))
            buffer.put(
                " counting · esc cancels", row: line, column: c, maxWidth: area.right - c, style: CellStyle(.dim))
            return
        }
        if let notice {
            Widgets.notice(notice, into: &buffer, row: line, area: area)
            return
        }
        guard let table else { return }
        if table.rows.isEmpty {
            buffer.put("No rows to count.", row: line + 1, column: area.column + 2, style: CellStyle(.dim))
            return
        }
        let list = Rect(row: line, column: area.column, width: area.width, height: area.height - 1)
        visible = max(1, list.height - 1)
        offset = Table.scroll(offset: offset, selected: selected, visible: visible)
        let countWidth = max(5, RowCount.grouped(table.rows.first?.count ?? 0).count)
        let valueWidth = min(40, max(8, cells.prefix(200).map { DisplayWidth.of(SafeText.visible($0[0])) }.max() ?? 8))
        Table.draw(
            into: &buffer, area: list,
            columns: [
                Column("VALUE", valueWidth), Column("COUNT", countWidth, right: true),
                Column("SHARE", 7, right: true), Column("", 0),
            ],
            rows: cells, selected: selected, offset: offset
        ) { i in
            table.rows[i].value == nil || table.rows[i].value == .null ? CellStyle(.dim) : CellStyle()
        }
    }

    /// Value, count, share and bar of each row.
    static func cells(_ table: FrequencyTable) -> [[String]] {
        table.rows.map { r in
            let share = table.share(r)
            return [
                r.value.map(GridColumn.compact) ?? "(absent)", RowCount.grouped(r.count),
                String(format2: share * 100) + "%", String(repeating: "■", count: Int((share * 20).rounded(.up))),
            ]
        }
    }
}
