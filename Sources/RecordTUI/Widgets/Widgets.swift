import RecordCore
import TerminalScreen

/// Drawing helpers shared by the views.
public enum Widgets {
    /// Draws styled spans from `column`, clipped to `width` columns; returns the column after them.
    @discardableResult
    public static func draw(_ line: StyledLine, into buffer: inout ScreenBuffer, row: Int, column: Int, width: Int)
        -> Int
    {
        var col = column
        for span in line {
            let room = column + width - col
            if room <= 0 { break }
            col = buffer.put(TextLayout.fit(span.text, room), row: row, column: col, maxWidth: room, style: span.style)
        }
        return col
    }

    /// A one-line text input: `text`, then the cursor as a cell in the `cursor` role (visible in every
    /// theme, reversed in mono), then an optional dimmed hint. Returns the column after the cursor.
    @discardableResult
    public static func input(
        _ text: String, hint: String = "", into buffer: inout ScreenBuffer, row: Int, column: Int, width: Int,
        style: CellStyle
    ) -> Int {
        buffer.fill(row: row, column: column, width: width, style: style)
        // Keep the end of a long text in view: the cursor sits at its end.
        let room = max(1, width - 1)
        var shown = text
        while DisplayWidth.of(SafeText.visible(shown)) > room - 1, !shown.isEmpty { shown.removeFirst() }
        var col = buffer.put(shown, row: row, column: column, maxWidth: room, style: style)
        col = buffer.put(" ", row: row, column: col, style: CellStyle(.cursor))
        if !hint.isEmpty {
            buffer.put(hint, row: row, column: col, maxWidth: column + width - col, style: CellStyle(.dim))
        }
        return col
    }

    /// An input line on the area's last row, in the accent style; the area gives up that row.
    public static func bottomInput(_ text: String, hint: String, into buffer: inout ScreenBuffer, area: inout Rect) {
        input(
            text, hint: hint, into: &buffer, row: area.bottom - 1, column: area.column, width: area.width,
            style: CellStyle(.accent))
        area.height -= 1
    }

    /// A one-line notice (an error, or a warning such as "cancelled") at `row`, cut to the area.
    public static func notice(
        _ notice: (text: String, isError: Bool), into buffer: inout ScreenBuffer, row: Int, area: Rect
    ) {
        buffer.put(
            TextLayout.fit(notice.text, area.width - 2), row: row, column: area.column + 1,
            style: CellStyle(notice.isError ? .error : .warning))
    }

    /// A progress bar `███░░░ 42%` of `width` cells (a fraction below 0 draws an empty bar); returns the
    /// column after it.
    @discardableResult
    public static func progressBar(
        _ fraction: Double, into buffer: inout ScreenBuffer, row: Int, column: Int, width: Int
    ) -> Int {
        let f = min(1, max(0, fraction))
        let filled = Int(f * Double(width))
        var c = buffer.put(String(repeating: "█", count: filled), row: row, column: column, style: CellStyle(.ok))
        c = buffer.put(String(repeating: "░", count: width - filled), row: row, column: c, style: CellStyle(.dim))
        return buffer.put(" \(Int(f * 100))%", row: row, column: c, style: CellStyle(.accent))
    }

    /// A box with a border and a title; returns the inner area.
    @discardableResult
    public static func box(into buffer: inout ScreenBuffer, _ rect: Rect, title: String, focused: Bool = false) -> Rect
    {
        guard rect.width >= 2, rect.height >= 2 else {
            return Rect(row: rect.row, column: rect.column, width: 0, height: 0)
        }
        let style = CellStyle(focused ? .accent : .border)
        buffer.fill(rect, style: CellStyle())
        let inner = String(repeating: "─", count: rect.width - 2)
        buffer.put("┌" + inner + "┐", row: rect.row, column: rect.column, style: style)
        buffer.put("└" + inner + "┘", row: rect.bottom - 1, column: rect.column, style: style)
        for r in (rect.row + 1)..<(rect.bottom - 1) {
            buffer.put("│", row: r, column: rect.column, style: style)
            buffer.put("│", row: r, column: rect.right - 1, style: style)
        }
        if !title.isEmpty {
            buffer.put(
                TextLayout.fit(" " + title + " ", rect.width - 4), row: rect.row, column: rect.column + 2,
                style: CellStyle(focused ? .accent : .header, bold: true))
        }
        return Rect(row: rect.row + 1, column: rect.column + 1, width: rect.width - 2, height: rect.height - 2)
    }

    /// A centred dialog sized to its lines (at most the screen less a margin).
    public static func dialog(into buffer: inout ScreenBuffer, title: String, lines: [StyledLine]) {
        let widest = lines.map { $0.reduce(0) { $0 + DisplayWidth.of(SafeText.visible($1.text)) } }.max() ?? 0
        let width = min(buffer.width - 4, max(DisplayWidth.of(title) + 8, widest + 4))
        let height = min(buffer.height - 2, lines.count + 2)
        let rect = Rect(
            row: (buffer.height - height) / 2, column: (buffer.width - width) / 2, width: width, height: height)
        let inner = box(into: &buffer, rect, title: title, focused: true)
        for (i, line) in lines.prefix(inner.height).enumerated() {
            draw(line, into: &buffer, row: inner.row + i, column: inner.column + 1, width: inner.width - 1)
        }
    }

    /// Lines of text in a rectangle, scrolled by `offset`.
    public static func lines(_ lines: [StyledLine], into buffer: inout ScreenBuffer, _ rect: Rect, offset: Int = 0) {
        for (i, line) in lines.dropFirst(offset).prefix(rect.height).enumerated() {
            draw(line, into: &buffer, row: rect.row + i, column: rect.column, width: rect.width)
        }
    }

    /// One line of pretty-printed JSON coloured by kind: keys, strings, numbers, booleans, null.
    public static func jsonLine(_ line: String) -> StyledLine {
        let indent = String(line.prefix { $0 == " " })
        var rest = Substring(line.dropFirst(indent.count))
        var spans: [Span] = [Span(indent)]
        if rest.hasPrefix("\""), let colon = rest.range(of: "\": ") {
            spans.append(Span(String(rest[..<colon.lowerBound]) + "\"", CellStyle(.jsonKey)))
            spans.append(Span(": "))
            rest = rest[colon.upperBound...]
        }
        let comma = rest.hasSuffix(",")
        let value = comma ? rest.dropLast() : rest
        let role: StyleRole
        switch value.first {
        case "\"": role = .jsonString
        case "t", "f": role = .jsonBool
        case "n": role = .jsonNull
        case let c? where c == "-" || c.isNumber: role = .jsonNumber
        default: role = .normal
        }
        spans.append(Span(String(value), CellStyle(role)))
        if comma { spans.append(Span(",")) }
        return spans
    }

    /// The badge style of a decision.
    public static func badgeStyle(_ d: Decision) -> CellStyle {
        switch d {
        case .create, .overwrite: return CellStyle(.badgeCreate, bold: true)
        case .update: return CellStyle(.badgeUpdate, bold: true)
        case .unarchive, .unarchive_update: return CellStyle(.badgeUnarchive, bold: true)
        case .conflict, .ambiguous, .stale: return CellStyle(.badgeConflict, bold: true)
        case .invalid, .not_found: return CellStyle(.badgeError, bold: true)
        case .unchanged, .skip: return CellStyle(.badgeNeutral, bold: true)
        }
    }

    /// ` DECISION ` as a badge span.
    public static func badge(_ d: Decision) -> Span { Span(" " + d.rawValue.uppercased() + " ", badgeStyle(d)) }

    /// The line number an error message names ("… at line 3, column 5"), if any.
    public static func lineNumber(in message: String?) -> Int? {
        guard let m = message, let r = m.range(of: "line ") else { return nil }
        return Int(m[r.upperBound...].prefix { $0.isNumber })
    }

    /// A JSON value as one short line (strings quoted).
    public static func short(_ v: JSONValue?) -> String { v.map { $0.jsonText } ?? "—" }

    /// The diff of a plan or an edit, one line per changed leaf.
    public static func diffLines(_ diff: [DiffEntry]) -> [StyledLine] {
        if diff.isEmpty { return [[Span("no changes", CellStyle(.dim))]] }
        return diff.map { d -> StyledLine in
            let mark = d.op.symbol + " "
            switch d.op {
            case .add:
                return [
                    Span(mark, CellStyle(.diffAdd, bold: true)), Span(d.path + " = "),
                    Span(short(d.after), CellStyle(.diffAdd)),
                ]
            case .remove:
                return [
                    Span(mark, CellStyle(.diffRemove, bold: true)), Span(d.path + " = "),
                    Span(short(d.before), CellStyle(.diffRemove)),
                ]
            case .replace:
                return [
                    Span(mark, CellStyle(.accent, bold: true)), Span(d.path + ": "),
                    Span(short(d.before), CellStyle(.diffRemove)),
                    Span(" → "), Span(short(d.after), CellStyle(.diffAdd)),
                ]
            }
        }
    }

    /// A plan as the composer's preview shows it: badge, matched record and how, diff, side effects,
    /// warnings and errors.
    public static func planLines(_ plan: Plan, width: Int = Int.max) -> [StyledLine] {
        var out: [StyledLine] = []
        var head: StyledLine = [badge(plan.decision), Span("  status \(plan.status)")]
        if let a = plan.action { head.append(Span("  → \(a.rawValue)")) }
        out.append(head)
        if let m = plan.match {
            var line: StyledLine = [
                Span("matched ", CellStyle(.dim)), Span(m.name ?? m.id, CellStyle(.accent, bold: true)),
                Span(" (\(m.id))", CellStyle(.dim)),
            ]
            if m.archived { line.append(Span(" archived", CellStyle(.warning))) }
            out.append(line)
            if let via = m.via { out.append([Span("     on ", CellStyle(.dim)), Span(viaText(via))]) }
        } else if let l = plan.lookup {
            out.append([Span("no match ", CellStyle(.dim)), Span("for " + viaText(l))])
        } else {
            out.append([Span("no lookup: always creates", CellStyle(.dim))])
        }
        if plan.candidates.count > 1 {
            out.append([
                Span("candidates: ", CellStyle(.warning)),
                Span(plan.candidates.map { $0.name ?? $0.id }.joined(separator: ", ")),
            ])
        }
        if plan.decision.writes || plan.decision == .unchanged {
            out.append([Span("changes", CellStyle(.header, bold: true))])
            out += diffLines(plan.diff)
        }
        for s in plan.sideEffects {
            out.append([
                Span("side effect ", CellStyle(.warning)),
                Span("\(s.recordID) \(s.identifier): \(short(s.before)) → \(short(s.after))"),
            ])
        }
        for w in plan.warnings { out += message("warning", w, style: .warning, width: width) }
        for e in plan.errors { out += message("error", e.description, style: .error, width: width) }
        return out
    }

    /// A labelled message (`error …`, `warning …`) wrapped to `width`, later lines indented under the
    /// text, so where an error points (`at line 9, column 1`) is never cut off.
    public static func message(_ label: String, _ text: String, style: StyleRole, width: Int = Int.max) -> [StyledLine]
    {
        let indent = label.count + 1
        let lines = width == Int.max ? [text] : TextLayout.wrap(text, max(8, width - indent))
        return lines.enumerated().map { i, line in
            [
                Span(i == 0 ? label + " " : String(repeating: " ", count: indent), CellStyle(style, bold: true)),
                Span(line),
            ]
        }
    }

    /// `identifier email = "a@b" (a@b)` or `path $.x = 1`.
    public static func viaText(_ via: MatchVia) -> String {
        var s = via.identifier.map { "identifier \($0)" } ?? via.path.map { "path \($0)" } ?? "lookup"
        s += " = " + via.value.jsonText
        if let n = via.normalized, n != via.value.stringValue { s += " (normalised \(n))" }
        return s
    }

    /// A record's metadata lines.
    public static func metadataLines(_ r: Record) -> [StyledLine] {
        func row(_ k: String, _ v: String, _ style: CellStyle = CellStyle()) -> StyledLine {
            [Span(TextLayout.pad(k, 12), CellStyle(.dim)), Span(v, style)]
        }
        var out = [
            row("id", r.id), row("name", r.name ?? "—"), row("external id", r.externalID ?? "—"),
            row("version", String(r.version)), row("created", Timestamp.format(r.createdAt)),
            row("updated", Timestamp.format(r.updatedAt)),
        ]
        out.append(
            r.archived
                ? row("archived", "yes, " + (r.archivedAt.map(Timestamp.format) ?? ""), CellStyle(.warning, bold: true))
                : row("archived", "no"))
        if let p = r.parentID { out.append(row("parent", p)) }
        if !r.associations.isEmpty { out.append(row("associated", r.associations.joined(separator: ", "))) }
        if let m = r.mergedInto { out.append(row("merged into", m)) }
        return out
    }
}
