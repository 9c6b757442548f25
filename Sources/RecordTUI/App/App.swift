import RecordCore
import TerminalScreen

/// The terminal UI: a k9s-style stack of views with breadcrumbs, a `:` command line, `?` help,
/// confirmations and a status bar. Pure state: the backend runtime feeds it keys and draws its buffer.
public final class App {
    public let context: AppContext
    public private(set) var stack: [any View] = []
    /// The `:` command line being typed, if open.
    public private(set) var commandLine: String?
    private var confirmation: Confirmation?
    private var showingHelp = false
    private var helpScroll = 0
    /// True when the last render found the terminal below `minimumSize` (keys are swallowed then).
    private var tooSmall = false
    private var message: (text: String, isError: Bool)?
    /// Set when the app should exit.
    public private(set) var quitRequested = false
    /// An edit waiting for the runtime to run `$EDITOR`.
    public var pendingExternalEdit: ExternalEdit?

    /// The smallest terminal the UI draws in; smaller shows a message.
    public static let minimumSize = (width: 50, height: 10)

    public init(context: AppContext) {
        self.context = context
        stack = [TypesView(context: context)]
    }

    public var top: any View { stack[stack.count - 1] }

    /// Shows a message in the status bar (startup warnings, a bad theme file).
    public func notify(_ text: String, isError: Bool = false) { message = (text, isError) }

    /// Handles one key.
    public func handle(_ key: Key) {
        if key == .resize { return }
        if key == .ctrl("c") { quitRequested = true; return }
        // "terminal too small" hides the views: keys must not act on what cannot be seen.
        if tooSmall { return }
        if key == .f1 { showingHelp.toggle(); helpScroll = 0; return }
        if showingHelp {
            switch key {
            case .down, .char("j"): helpScroll += 1
            case .up, .char("k"): helpScroll = max(0, helpScroll - 1)
            default: showingHelp = false; helpScroll = 0
            }
            return
        }
        if let c = confirmation {
            switch key {
            case .char("y"), .char("Y"), .enter: confirmation = nil; perform(c.onYes())
            case .char("n"), .char("N"), .escape, .char("q"):
                confirmation = nil; message = ("cancelled; nothing written", false)
            default: break
            }
            return
        }
        if commandLine != nil { editCommandLine(key); return }
        message = nil
        if !top.capturesText {
            switch key {
            case .char(":"): commandLine = ""; return
            case .char("?"): showingHelp = true; return
            case .char("q"): quitRequested = true; return
            default: break
            }
        }
        let effect = top.handle(key)
        if case .none = effect, key == .escape, !top.capturesText { pop(); return }
        perform(effect)
    }

    /// True while a view waits on background work (the UI loop polls `tick` often then).
    public var isBusy: Bool { stack.contains { $0.isBusy } }

    /// Lets views take in background progress between key reads; true when the screen should be redrawn.
    @discardableResult
    public func tick() -> Bool {
        var changed = false
        for v in stack where v.isBusy {
            changed = v.tick() || changed
            if let e = v.takeEffect() { perform(e); changed = true }
        }
        return changed
    }

    /// Handles keys in order (tests and scripted input).
    public func handle(_ keys: [Key]) { for k in keys { handle(k) } }

    private func editCommandLine(_ key: Key) {
        guard var text = commandLine else { return }
        switch key {
        case .escape: commandLine = nil; message = nil
        case .enter: commandLine = nil; message = nil; run(command: text)
        case .backspace:
            if text.isEmpty { commandLine = nil } else { text.removeLast(); commandLine = text }
        case .char(let c): text.append(c); commandLine = text
        case .tab: message = nil; commandLine = complete(text)
        default: break
        }
    }

    /// Command names and type keys, for completion and errors.
    private var commandNames: [String] {
        var names = [
            "types", "conflicts", "requests", "upsert", "dupes", "review", "export", "theme", "q", "quit", "help",
        ]
        names += (try? context.backend.types().map(\.type.key)) ?? []
        return names
    }

    /// Commands that take an argument: completing one adds the space before it.
    private static let commandsWithArguments: Set<String> = [
        "theme", "upsert", "compose", "dupes", "duplicates", "review", "export",
    ]

    /// Tab completion: a unique candidate completes (with a space after a command that takes an argument);
    /// several complete to their common prefix and are listed in the status bar.
    private func complete(_ text: String) -> String {
        let prefix: String, candidates: [String], takesArgument: Bool
        if text.hasPrefix("theme ") {
            prefix = "theme "
            candidates = context.themes.keys.sorted().filter { $0.hasPrefix(text.dropFirst(6)) }
            takesArgument = false
        } else {
            prefix = ""
            candidates = commandNames.filter { $0.hasPrefix(text) }
            takesArgument = candidates.count == 1 && Self.commandsWithArguments.contains(candidates[0])
        }
        switch candidates.count {
        case 0:
            message = ("no command, type or theme starts with \"\(text.dropFirst(prefix.count))\"", true)
            return text
        case 1:
            return prefix + candidates[0] + (takesArgument ? " " : "")
        default:
            message = (candidates.joined(separator: "  "), false)
            var common = candidates[0]
            for c in candidates.dropFirst() { while !c.hasPrefix(common) { common.removeLast() } }
            return prefix + common
        }
    }

    /// Runs a `:` command: `types`, a type key, `conflicts`, `requests`, `upsert [TYPE]`, `dupes [TYPE]`, `theme NAME`, `q`.
    public func run(command raw: String) {
        let words = raw.split(separator: " ").map(String.init)
        guard let name = words.first else { return }
        switch name {
        case "q", "quit", "q!": quitRequested = true
        case "help": showingHelp = true
        case "types": stack = [TypesView(context: context)]
        case "conflicts": stack = [TypesView(context: context), ConflictsView(context: context)]
        case "requests": stack = [TypesView(context: context), RequestsView(context: context)]
        case "upsert", "compose":
            let type = words.count > 1 ? words[1] : (top as? RecordsView)?.typeKey
            perform(.push(ComposerView(context: context, type: type)))
        case "dupes", "duplicates":
            let key = words.count > 1 ? words[1] : (top as? RecordsView)?.typeKey ?? (top as? DuplicatesView)?.type.key
            guard let key else { message = ("usage: :dupes TYPE (or open a type's records first)", true); return }
            switch context.attempt({ try context.backend.objectType(key) }) {
            case .success(let t?): perform(.push(DuplicatesView(context: context, type: t)))
            case .success(nil): message = ("unknown type \"\(key)\"", true)
            case .failure(let e): message = (e.message, true)
            }
        case "review":
            // The named run, else the newest run with groups waiting for review.
            let run = words.count > 1 ? words[1] : try? context.backend.runAwaitingReview(type: nil)
            guard let run = run ?? nil else {
                message = ("no merge run waits for review (`recdeck merge --auto` or M in :dupes makes one)", false)
                return
            }
            perform(.push(ReviewView(context: context, runID: run)))
        case "export":
            guard let records = top as? RecordsView else {
                message = ("open a type's records first: :export writes the grid", true); return
            }
            let path = raw.drop { $0 == " " }.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else {
                message = ("usage: :export PATH.jsonl or PATH.csv (the grid's rows, or the marked ones)", true); return
            }
            perform(records.export(to: path))
        case "theme":
            guard words.count > 1 else {
                message = (
                    "theme \(context.theme.name); available: \(context.themes.keys.sorted().joined(separator: ", "))",
                    false
                ); return
            }
            if let t = context.themes[words[1]] {
                context.theme = t; message = ("theme \(t.name)", false)
            } else {
                message = (
                    "unknown theme \"\(words[1])\"; available: \(context.themes.keys.sorted().joined(separator: ", "))",
                    true
                )
            }
        default:
            switch context.attempt({ try context.backend.objectType(name) }) {
            case .success(let t?):
                stack = [TypesView(context: context), RecordsView(context: context, type: t)]
            case .success(nil):
                message = (
                    "unknown command or type \"\(name)\"; try :types, :conflicts, :requests, :upsert, :dupes TYPE, :review, :theme NAME, :q or a type key",
                    true
                )
            case .failure(let e): message = (e.message, true)
            }
        }
    }

    /// Applies an effect a view returned.
    public func perform(_ effect: Effect) {
        switch effect {
        case .none: break
        case .push(let v): stack.append(v)
        case .pop: pop()
        case .replace(let v): if stack.count > 1 { stack.removeLast() }; stack.append(v)
        case .quit: quitRequested = true
        case .message(let m): message = (m, false)
        case .error(let m): message = (m, true)
        case .confirm(let c): confirmation = c
        case .externalEdit(let e): pendingExternalEdit = e
        case .command(let c): run(command: c)
        case .all(let effects): effects.forEach(perform)
        }
    }

    /// Called by the runtime with what `$EDITOR` produced.
    public func finishExternalEdit(_ result: Result<String, ExternalEditError>) {
        guard let edit = pendingExternalEdit else { return }
        pendingExternalEdit = nil
        perform(edit.completion(result))
    }

    private func pop() {
        guard stack.count > 1 else { return }
        stack.removeLast()
        top.reveal()
    }

    // MARK: Rendering

    /// Draws the whole screen: title bar with breadcrumbs, the top view, the status bar, overlays.
    public func render(into buffer: inout ScreenBuffer) {
        let w = buffer.width, h = buffer.height
        tooSmall = w < Self.minimumSize.width || h < Self.minimumSize.height
        guard !tooSmall else {
            let lines = [
                "terminal too small", "\(w)×\(h); recdeck needs \(Self.minimumSize.width)×\(Self.minimumSize.height)",
            ]
            for (i, l) in lines.enumerated() where i < h {
                buffer.put(
                    TextLayout.fit(l, w), row: min(h - 1, max(0, h / 2 - 1 + i)),
                    column: max(0, (w - DisplayWidth.of(l)) / 2))
            }
            return
        }
        // Title bar: breadcrumbs, then the database on the right.
        buffer.fill(row: 0, column: 0, width: w, style: CellStyle(.title))
        var col = buffer.put(" recdeck ", row: 0, column: 0, style: CellStyle(.title, bold: true))
        let crumbs = stack.map(\.title).joined(separator: " › ")
        let right = (context.readOnly ? "[read-only] " : "") + context.backend.location + " "
        let rightWidth = min(DisplayWidth.of(right), w / 3)
        col = buffer.put(
            TextLayout.fit(crumbs, w - col - rightWidth - 1), row: 0, column: col, style: CellStyle(.title))
        buffer.put(TextLayout.fit(right, rightWidth), row: 0, column: w - rightWidth, style: CellStyle(.title))

        top.render(into: &buffer, area: Rect(row: 1, column: 0, width: w, height: h - 2))
        renderStatus(into: &buffer, row: h - 1)
        if showingHelp { renderHelp(into: &buffer) }
        if let c = confirmation { renderConfirmation(c, into: &buffer) }
    }

    private func renderStatus(into buffer: inout ScreenBuffer, row: Int) {
        let w = buffer.width
        buffer.fill(row: row, column: 0, width: w, style: CellStyle(.status))
        if let text = commandLine {
            // Completion candidates (or why there are none) follow the input on the same line.
            Widgets.input(
                ":" + text, hint: message.map { "   " + $0.text } ?? "", into: &buffer, row: row, column: 0, width: w,
                style: CellStyle(.status))
            return
        }
        if let m = message {
            buffer.put(
                TextLayout.fit(" " + m.text, w), row: row, column: 0,
                style: CellStyle(m.isError ? .error : .status, bold: m.isError))
            return
        }
        var col = 0
        if let s = top.status {
            col = buffer.put(
                TextLayout.fit(" " + s + " ", w / 2), row: row, column: 0, style: CellStyle(.status, bold: true))
        }
        // `? help` is always shown at the right; the view's hints fill what is left, cut with `…`.
        let help = [(top.capturesText ? "F1" : "?", "help")]
        let helpWidth = help.reduce(0) { $0 + DisplayWidth.of($1.0) + DisplayWidth.of($1.1) + 3 }
        let hints =
            top.bindings.filter(\.hint).map { ($0.label, $0.short ?? $0.help) }
            + (top.capturesText ? [] : [("q", "quit")])
        col += 1
        let limit = w - helpWidth
        for (k, label) in hints {
            let need = DisplayWidth.of(k) + DisplayWidth.of(label) + 3
            if col + need > limit {
                if col + 2 <= limit { buffer.put("…", row: row, column: col, style: CellStyle(.hint)) }
                break
            }
            col = drawHint(k, label, into: &buffer, row: row, column: col)
        }
        col = w - helpWidth + 1
        for (k, label) in help { col = drawHint(k, label, into: &buffer, row: row, column: col) }
    }

    @discardableResult
    private func drawHint(_ key: String, _ label: String, into buffer: inout ScreenBuffer, row: Int, column: Int) -> Int
    {
        let col = buffer.put(key, row: row, column: column, style: CellStyle(.hintKey, bold: true))
        return buffer.put(" " + label + "  ", row: row, column: col, style: CellStyle(.hint))
    }

    private func renderHelp(into buffer: inout ScreenBuffer) {
        var lines: [StyledLine] = [[Span(top.title, CellStyle(.header, bold: true))]]
        let labelWidth = 12
        for b in top.bindings {
            lines.append([Span(TextLayout.pad(b.label, labelWidth), CellStyle(.accent, bold: true)), Span(b.help)])
        }
        lines.append([])
        lines.append([Span("Everywhere", CellStyle(.header, bold: true))])
        let global: [(String, String)] =
            top.capturesText
            ? [("F1", "this help"), ("ctrl-c", "quit at once (the terminal is restored)")]
            : [
                (
                    ":",
                    "command line: :types  :<type key>  :conflicts  :requests  :upsert [TYPE]  :dupes [TYPE]  :review [RUN]  :export PATH  :theme NAME  :q"
                ),
                ("?/F1", "this help"),
                ("esc", "back"), ("q", "quit"), ("ctrl-c", "quit at once"),
            ]
        for (k, h) in global {
            lines.append([Span(TextLayout.pad(k, labelWidth), CellStyle(.accent, bold: true)), Span(h)])
        }
        Widgets.dialog(
            into: &buffer, title: "Keys — any other key closes",
            lines: Array(lines.dropFirst(min(helpScroll, max(0, lines.count - 1)))))
    }

    private func renderConfirmation(_ c: Confirmation, into buffer: inout ScreenBuffer) {
        var lines = c.lines
        lines.append([])
        lines.append([
            Span("y", CellStyle(.accent, bold: true)), Span("/enter confirm    "),
            Span("n", CellStyle(.accent, bold: true)),
            Span("/esc cancel"),
        ])
        Widgets.dialog(into: &buffer, title: c.title, lines: lines)
    }
}
