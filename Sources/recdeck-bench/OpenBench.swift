import Foundation
import RecDeckCommands
import RecordCore
import RecordStore
import RecordTUI
import TerminalScreen

/// `recdeck-bench open [--count N]`: opening an N-line JSONL export directly (issue 17) beside VisiData
/// loading the same file, in the same run. recdeck, in a fresh process: the time until the first screen
/// is rendered (the import then runs in the background), the time until every record is browsable (the
/// file's lines scanned: `G` shows the last one), the time until every record is stored (the import done:
/// filters, sorts and edits reach all of them), and peak RSS; then, in another fresh process, reopening the unchanged file. VisiData 3.4
/// (`pip install visidata`): `vd.openSource(Path(f)).ensureLoaded(); vd.sync()`, its time and peak RSS.
enum OpenBench {
    static func run(count: Int, child: (mode: String, file: String, cache: String)?) throws {
        if let child { try measure(child.mode, file: child.file, cache: child.cache); return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-bench-open-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("contacts.jsonl").path
        try generate(file, count: count)
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
        print(String(format: "%d contacts, %.1f MB of JSONL", count, Double(size) / 1e6))
        let cache = folder.appendingPathComponent("cache").path
        let first = try runChild(["open", "--child", "first", file, cache])
        let again = try runChild(["open", "--child", "reopen", file, cache])
        let vd = try visidata(file)
        print(first.trimmingCharacters(in: .newlines))
        print(again.trimmingCharacters(in: .newlines))
        if let vd {
            print(String(format: "visidata 3.4: loaded in %.2f s, peak RSS %.0f MB", vd.seconds, vd.megabytes))
            if let all = value(first, after: "browsable in "),
                let stored = value(first, after: "stored (filter, sort, edit) in "),
                let rss = value(first, after: "peak RSS ")
            {
                print(
                    String(
                        format:
                            "ratio: recdeck all browsable / visidata loaded = %.2f× (goal ≤ 0.75×); all stored %.2f×; memory %.2f× (goal < 0.2×)",
                        all / vd.seconds, stored / vd.seconds, rss / vd.megabytes))
            }
        } else {
            print("visidata is not installed (pip install visidata): no comparison")
        }
    }

    /// The same synthetic contacts as the import benchmark.
    static func generate(_ path: String, count: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { fail("cannot create \(path)") }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var buffer = ""
        for i in 0..<count {
            let first = ["Jane", "John", "Maria", "Wei", "Aisha", "Lars", "Sofia", "Kenji"][i % 8]
            let last = ["Smith", "Okafor", "Garcia", "Chen", "Rossi", "Tanaka", "Dubois", "Silva"][(i / 8) % 8]
            buffer +=
                #"{"email":"user\#(i)@example.com","first_name":"\#(first)","last_name":"\#(last)","phone":"+1 555 \#(i)","score":\#(i % 100)}"#
                + "\n"
            if buffer.utf8.count > 1 << 20 { h.write(Data(buffer.utf8)); buffer = "" }
        }
        h.write(Data(buffer.utf8))
        try h.close()
    }

    static func runChild(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus != 0 { fail("\(args.joined(separator: " ")) failed with status \(p.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    static func value(_ text: String, after marker: String) -> Double? {
        guard let r = text.range(of: marker) else { return nil }
        return Double(text[r.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// In this fresh process: open the file as `recdeck FILE` does, render the first screen, then import to
    /// the end on this thread (the TUI runs it on a background thread while the screen answers keys).
    static func measure(_ mode: String, file: String, cache: String) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let opened = try FileOpener(
            path: file, key: "$.email", schemaFile: nil, cacheFolder: URL(fileURLWithPath: cache)
        ).open()
        let backend = StoreBackend(store: opened.store)
        backend.fileImport = opened.session?.progress
        backend.fileLines = opened.session?.lines
        let app = App(context: AppContext(backend: backend))
        app.run(command: opened.type.key)
        var buffer = ScreenBuffer(width: 160, height: 50)
        app.render(into: &buffer)
        let firstScreen = seconds()
        if mode == "reopen" {
            guard opened.session == nil else { fail("the unchanged file was imported again") }
            let rows = try opened.store.counts(type: opened.type.key)?.active ?? 0
            print(
                String(
                    format: "recdeck reopen: first screen in %.0f ms (%d rows, nothing to import), peak RSS %.0f MB",
                    firstScreen * 1000, rows, TUIBench.memory("VmHWM")))
            return
        }
        guard let run = opened.session, let lines = run.lines else { fail("a fresh cache had nothing to import") }
        // As the TUI does: the import on a background thread, the lines scanned on another beside it.
        let imported = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            run.runToEnd()
            imported.signal()
        }
        while !lines.isComplete { usleep(2000) }
        // Browsable means shown: `G` goes to the last line and the screen shows it.
        app.handle(Key.sequence("G"))
        app.render(into: &buffer)
        let browsable = seconds()
        let last = "user\(lines.count - 1)@example.com"
        guard buffer.framedLines().contains(where: { $0.contains(last) }) else { fail("\(last) is not on screen") }
        imported.wait()
        let stored = seconds()
        let s = run.progress.snapshot
        guard s.finished, s.failure == nil else { fail("import failed: \(s.failure ?? "?")") }
        guard lines.count == s.rows else { fail("the scan found \(lines.count) lines, the import \(s.rows)") }
        print(
            String(
                format:
                    "recdeck open: first screen in %.0f ms; all %d rows browsable in %.2f s; all stored (filter, sort, edit) in %.2f s; peak RSS %.0f MB",
                firstScreen * 1000, s.rows, browsable, stored, TUIBench.memory("VmHWM")))
    }

    /// VisiData loading the file, timed and measured by Python itself; nil when it is not installed.
    static func visidata(_ file: String) throws -> (seconds: Double, megabytes: Double)? {
        let script = """
            import resource, sys, time
            try:
                from visidata import vd, Path
            except ImportError:
                print("missing"); sys.exit(0)
            t = time.time()
            vd.openSource(Path(sys.argv[1])).ensureLoaded()
            vd.sync()
            print(time.time() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, file]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let parts = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, let s = Double(parts[0]), let mb = Double(parts[1]) else { return nil }
        return (s, mb)
    }
}
