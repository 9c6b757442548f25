import Foundation
import RecDeckCommands
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen

/// `recdeck-bench tui [--count N] [--db PATH]`: the Records view on one type of N records (DESIGN §7):
/// first screen after opening the database, jump to the last row, an identifier-prefix filter, paging,
/// and resident memory while browsing. The database is built once (through the real import path) and
/// kept at --db; browsing is measured in a fresh child process so the import's memory does not count.
enum TUIBench {
    static func run(_ arguments: [String]) throws {
        var count = 1_000_000
        var db: String?
        var browseOnly = false
        var args = arguments
        while let a = args.first {
            args.removeFirst()
            switch a {
            case "--count": guard let n = args.first.flatMap(Int.init), n > 0 else { fail("--count needs a positive number") }; count = n; args.removeFirst()
            case "--db": guard let p = args.first else { fail("--db needs a path") }; db = p; args.removeFirst()
            case "--browse-only": browseOnly = true
            default: fail("usage: recdeck-bench tui [--count N] [--db PATH]")
            }
        }
        let path = db ?? FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-bench-tui-\(count).sqlite").path
        if browseOnly { try browse(path: path, count: count); return }
        try build(path: path, count: count)
        // Browse in a fresh process: its memory is the browsing session's alone.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        p.arguments = ["tui", "--count", String(count), "--db", path, "--browse-only"]
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { fail("browse run failed with status \(p.terminationStatus)") }
    }

    /// Imports `count` contacts unless the database already holds them.
    static func build(path: String, count: Int) throws {
        let store = try RecordStore.open(path: path)
        if let c = try store.counts(type: "contacts"), c.active == count { print("reusing \(path) (\(count) contacts)"); fflush(nil); return }
        guard try store.types().isEmpty else { fail("\(path) holds other data; give another --db") }
        try store.applyType(ObjectType(json: JSONValue.parse(#"{"key":"contacts","name":"Contacts","kind":"contact","identifiers":[{"name":"email","source":"$.email","normalize":"email"}]}"#)))
        let start = Date()
        var i = 0
        while i < count {
            let n = min(1000, count - i)
            let items = (i..<(i + n)).map { k -> ImportItem in
                let body: JSONValue = ["lookup": ["identifier": "email"], "name": .string("Person \(k)"),
                                       "data": ["email": .string("user\(k)@example.com"), "score": .int(Int64(k % 100))]]
                return ImportItem(request: NativeRequest.result(type: "contacts", body: body), body: nil)
            }
            _ = try store.importBatch(items, type: "contacts", source: WriteSource("bench"))
            i += n
            if i % 100_000 == 0 { print("  imported \(i)") }
        }
        print(String(format: "built %d contacts in %.1f s", count, Date().timeIntervalSince(start)))
        fflush(nil)
    }

    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let t = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6
    }

    static func memory(_ field: String) -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    static func browse(path: String, count: Int) throws {
        var app: App!
        func render() { var b = ScreenBuffer(width: 160, height: 50); app.render(into: &b) }
        let first = try milliseconds {
            let store = try RecordStore.open(path: path)
            app = App(context: AppContext(backend: StoreBackend(store: store)))
            app.run(command: "contacts")
            render()
        }
        guard app.top is RecordsView else { fail("the Records view did not open") }
        let last = milliseconds { app.handle(.char("G")); render() }
        let back = milliseconds { app.handle(.char("g")); render() }
        var pages: [Double] = []
        for _ in 0..<200 { pages.append(milliseconds { app.handle(.pageDown); render() }) }
        let prefix = milliseconds { app.handle(Key.sequence("/user99999<enter>")); render() }
        let scan = milliseconds { app.handle(Key.sequence("/$.score = 42<enter>")); render() }
        let open = milliseconds { app.handle(.enter); render() }
        let rss = memory("VmRSS"), peak = memory("VmHWM")
        print("Records view on \(count) contacts (160×50 screen, one process, fresh open):")
        print(String(format: "  first screen after open     %8.1f ms   (goal ≤ 150)", first))
        print(String(format: "  jump to the last row (G)    %8.1f ms   (goal ≤ 50)", last))
        print(String(format: "  back to the first row (g)   %8.1f ms", back))
        print(String(format: "  page down, median of 200    %8.2f ms", pages.sorted()[pages.count / 2]))
        print(String(format: "  identifier-prefix filter    %8.1f ms   (goal ≤ 100)", prefix))
        print(String(format: "  $.score = 42 (scan, 1 page) %8.1f ms", scan))
        print(String(format: "  open a record               %8.1f ms", open))
        print(String(format: "  RSS while browsing          %8.1f MB   (peak %.1f MB; goal ≤ 80)", rss, peak))
    }
}
