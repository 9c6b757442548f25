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
    static func run(count: Int, db: String?, browseOnly: Bool) throws {
        let path =
            db
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-bench-grid-\(count).sqlite").path
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
        if let c = try store.counts(type: "contacts"), c.active == count {
            print("reusing \(path) (\(count) contacts)"); fflush(nil); return
        }
        guard try store.types().isEmpty else { fail("\(path) holds other data; give another --db") }
        try store.applyType(
            ObjectType(
                json: JSONValue.parse(
                    """
                    {"key":"contacts","name":"Contacts","kind":"contact",
                     "fields":[{"key":"email","type":"email"},{"key":"phone","type":"phone"},{"key":"company","type":"string"},
                               {"key":"city","type":"string"},{"key":"score","type":"integer"}],
                     "identifiers":[{"name":"email","source":"$.email","normalize":"email"}]}
                    """)))
        let companies = [
            "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent", "Stark", "Wayne", "Wonka",
            "Cyberdyne", "Tyrell", "Aperture", "Gringotts", "Oscorp", "Pied Piper", "Dunder", "Monarch", "Nakatomi",
            "Virtucon",
        ]
        let cities = [
            "Springfield", "Riverton", "Lakeside", "Hill Valley", "Twin Peaks", "Sunnydale", "Gotham", "Metropolis",
        ]
        let start = Date()
        var i = 0
        while i < count {
            let n = min(1000, count - i)
            let items = (i..<(i + n)).map { k -> ImportItem in
                let body: JSONValue = [
                    "lookup": ["identifier": "email"], "name": .string("Person \(k)"),
                    "data": [
                        "email": .string("user\(k)@example.com"), "score": .int(Int64(k % 100)),
                        "phone": .string("+1 555 \(String(format: "%07d", k))"),
                        "company": .string(companies[k % companies.count]),
                        "city": .string(cities[(k / 7) % cities.count]),
                    ],
                ]
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

    /// Background work held until `drain` runs it.
    final class JobQueue: @unchecked Sendable { var jobs: [@Sendable () -> Void] = [] }

    static func browse(path: String, count: Int) throws {
        let queue = JobQueue()
        var app: App!
        func drain() { while !queue.jobs.isEmpty { queue.jobs.removeFirst()() }; app.tick() }
        var store: RecordStore!
        func render() { var b = ScreenBuffer(width: 160, height: 50); app.render(into: &b) }
        let first = try milliseconds {
            store = try RecordStore.open(path: path)
            // Background work waits in a queue that `drain` runs on this thread, so each step is timed apart.
            app = App(
                context: AppContext(backend: StoreBackend(store: store, runInBackground: { queue.jobs.append($0) })))
            app.run(command: "contacts")
            render()
        }
        guard let records = app.top as? RecordsView else { fail("the Records view did not open") }
        let headers = records.columns.map(\.header).joined(separator: " ")
        guard headers.contains("EMAIL"), headers.contains("COMPANY") else {
            fail("the grid lacks data columns: \(headers)")
        }
        let last = milliseconds {
            app.handle(.char("G")); render()
        }
        let back = milliseconds {
            app.handle(.char("g")); render()
        }
        var pages: [Double] = []
        for _ in 0..<200 {
            pages.append(
                milliseconds {
                    app.handle(.pageDown); render()
                })
        }
        let prefix = milliseconds {
            app.handle(Key.sequence("/user99999<enter>")); render()
        }
        let prefixCount = milliseconds { drain() }
        let scan = milliseconds {
            app.handle(Key.sequence("/$.score = 42<enter>")); render()
        }
        let scanCount = milliseconds { drain() }
        let open = milliseconds {
            app.handle(.enter); render()
        }
        app.handle(.escape)
        app.handle(Key.sequence("/<enter>"))
        // Sort by a data column: the index build (one-off, dropped first so every run builds it), then the
        // first page in each direction through it.
        let score = SortColumn.path(try JSONPath(parsing: "$.score"))
        try store.dropSortIndex(score)
        while records.currentColumn != .path(try JSONPath(parsing: "$.score")) { app.handle(.char("l")) }
        let build = milliseconds {
            app.handle(.char("]")); drain()
        }
        let sortedDown = milliseconds { render() }
        let sortedUp = milliseconds {
            app.handle(.char("[")); render()
        }
        guard records.query.sort == RecordSort(score), try store.hasSortIndex(score) else {
            fail("the sort did not apply")
        }
        app.handle(.char("0"))
        app.handle(Key.sequence("/<enter>"))
        // A contains filter that matches a handful of rows: a scan of every record (page and count).
        let contains = milliseconds {
            app.handle(Key.sequence("/~user99999<enter>")); render()
        }
        let containsCount = milliseconds { drain() }
        let expected = (0..<count).filter { "user\($0)@example.com".contains("user99999") }.count
        guard records.query.filter != nil, (records.status ?? "").contains(expected == 0 ? "no match" : "/\(expected) ")
        else {
            fail("contains: expected \(expected) matches; the status says \(records.status ?? "")")
        }
        app.handle(Key.sequence("/<enter>"))
        // Frequency of a column over the whole type.
        var table: FrequencyTable?
        let frequency = try milliseconds {
            table = try store.frequencies(of: .path(JSONPath(parsing: "$.company")), in: RecordQuery(type: "contacts"))
        }
        guard let table, table.total == count else { fail("frequency counted \(table?.total ?? 0) of \(count)") }
        // Export of the rows a filter keeps (a tenth of them: score < 10), as CSV of the grid's columns.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-bench-export.csv").path
        var exported = 0
        let export = milliseconds {
            let job = app.context.backend.export(
                RecordQuery(type: "contacts", filter: .compare(.path(score.path!), .less, .int(10))),
                ids: nil, columns: records.columns, to: out)
            drain()
            if case .done(let s)? = job.outcome {
                exported = s.rows
            } else {
                fail("export failed: \(String(describing: job.outcome))")
            }
        }
        try? FileManager.default.removeItem(atPath: out)
        let rss = memory("VmRSS"), peak = memory("VmHWM")
        print("Records view on \(count) contacts (160×50 screen, one process, fresh open):")
        print(String(format: "  first screen after open     %8.1f ms   (goal ≤ 150)", first))
        print(String(format: "  jump to the last row (G)    %8.1f ms   (goal ≤ 50)", last))
        print(String(format: "  back to the first row (g)   %8.1f ms", back))
        print(String(format: "  page down, median of 200    %8.2f ms", pages.sorted()[pages.count / 2]))
        print(
            String(
                format: "  identifier-prefix filter    %8.1f ms   (goal ≤ 100; its count after: %.1f ms)", prefix,
                prefixCount))
        print(String(format: "  $.score = 42 (scan, 1 page) %8.1f ms   (its count after: %.1f ms)", scan, scanCount))
        print(String(format: "  open a record               %8.1f ms", open))
        print(String(format: "  sort by $.score: build index %7.0f ms   (one-off, kept)", build))
        print(String(format: "  sorted, first page ↓ / ↑    %8.1f / %.1f ms   (goal ≤ 100)", sortedDown, sortedUp))
        print(
            String(
                format: "  ~user99999 contains filter  %8.1f ms   (goal ≤ 500; its count after: %.1f ms)", contains,
                containsCount))
        print(
            String(
                format: "  frequency of $.company      %8.1f ms   (goal ≤ 3000; %d distinct)", frequency, table.distinct
            ))
        print(String(format: "  export %d filtered rows %8.1f ms   (goal ≤ 3000)", exported, export))
        print(String(format: "  RSS while browsing          %8.1f MB   (peak %.1f MB; goal ≤ 80)", rss, peak))
    }
}
