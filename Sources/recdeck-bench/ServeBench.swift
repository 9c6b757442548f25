import Foundation
import RecordCore
import RecordStore

/// `recdeck-bench serve [--seconds S] [--connections 1,4,16]`: single-record upserts over HTTP (issue 18).
/// `recdeck serve` runs as its own process on loopback; wrk (Debian's package) drives it with a Lua script
/// that makes every request a new contact, over keep-alive connections, for S seconds at each connection
/// count: throughput and p50/p99 latency. Beside it, in the same run, the same upserts made in-process one
/// transaction each (`RecordStore.perform`): the rate the HTTP layer is compared with. Afterwards the
/// journal must hold every request wrk completed, and the store a record for each 2xx.
enum ServeBench {
    static func run(seconds: Int, connections: [Int]) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            fail("wrk is not installed (apt-get install wrk)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-bench-serve-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("serve.sqlite").path
        let made = try Child(
            ["demo", "--db", db], stdout: "/dev/null", stderr: folder.appendingPathComponent("demo.err").path
        ).wait()
        guard made == 0 else { throw BenchError("recdeck demo exited \(made)") }
        let store = try RecordStore.open(path: db)
        let before = try store.counts(type: "contacts")!.active

        // In-process: one transaction per upsert, for the same time as each HTTP run.
        let local = try inProcess(store, seconds: Double(seconds))
        print(
            String(
                format:
                    "in-process, one transaction per upsert: %.0f upserts/s  p50 %.2f ms  p99 %.2f ms  (%d upserts)",
                local.rate, local.p50, local.p99, local.count))

        // The server, in its own process.
        let out = folder.appendingPathComponent("serve.out").path
        let server = try Child(
            ["serve", "--db", db, "--port", "0"], stdout: out, stderr: folder.appendingPathComponent("serve.err").path)
        defer {
            kill(server.pid, SIGTERM)
            server.wait()
        }
        let base = try address(in: out)
        let script = folder.appendingPathComponent("upsert.lua").path
        try lua.write(toFile: script, atomically: true, encoding: .utf8)
        var completed = 0, ok = 0
        var at16: Double?
        var worstP99 = 0.0
        for c in connections {
            let r = try wrk(base: base, script: script, connections: c, seconds: seconds)
            completed += r.requests; ok += r.requests - r.failed
            if c == connections.max() { at16 = r.rate }
            worstP99 = max(worstP99, r.p99)
            print(
                String(
                    format:
                        "HTTP, %2d connection%@: %.0f upserts/s  p50 %.2f ms  p99 %.2f ms  (%d requests, %d not 2xx)",
                    c, c == 1 ? " " : "s", r.rate, r.p50, r.p99, r.requests, r.failed))
        }
        if let at16 {
            print(
                String(
                    format:
                        "ratio: HTTP at %d connections / in-process = %.2f× (goal ≥ 1×); worst p99 %.2f ms (goal ≤ 20 ms)",
                    connections.max()!, at16 / local.rate, worstP99))
        }
        // Every completed request journaled; every 2xx a record. (wrk may cut off requests in flight when
        // its time is up; those the server still answered are journaled too, hence ≥.)
        kill(server.pid, SIGTERM)
        server.wait()
        let reopened = try RecordStore.open(path: db)
        let journaled = try reopened.requests(limit: 10_000_000).count
        let records = try reopened.counts(type: "contacts")!.active - before - local.count
        print("journal: \(journaled) requests for \(completed) completed; records: \(records) new for \(ok) 2xx")
        if journaled < completed || records < ok { fail("the journal or the store is missing requests") }
    }

    /// The wrk script: each request a new contact (run, thread and counter make its key), over keep-alive
    /// connections.
    static let lua = """
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        local n = 0
        local run = ""
        function init(args)
          run = args[1]
        end
        function request()
          n = n + 1
          local key = "W" .. run .. "-" .. tid .. "-" .. n
          local body = '{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"' .. key ..
            '","email":"' .. key .. '@bench.example"}}'
          return wrk.format("POST", "/types/contacts/upsert", {["Content-Type"] = "application/json"}, body)
        end
        """

    struct Figures { var rate: Double; var p50: Double; var p99: Double; var requests: Int; var failed: Int }

    static func inProcess(_ store: RecordStore, seconds: Double) throws -> (
        rate: Double, p50: Double, p99: Double, count: Int
    ) {
        let native = Dialects.named("native")!
        var latencies: [Double] = []
        let start = Date()
        var i = 0
        while Date().timeIntervalSince(start) < seconds {
            let key = "L\(i)"
            let body =
                #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"\#(key)","email":"\#(key)@bench.example"}}"#
            let t = Date()
            let outcome = try store.perform(
                Exchange(native, type: "contacts", query: [], bytes: Array(body.utf8)), apply: true,
                source: WriteSource("bench"))
            latencies.append(Date().timeIntervalSince(t) * 1000)
            guard outcome.response.status == 201 else { fail("in-process upsert answered \(outcome.response.status)") }
            i += 1
        }
        let elapsed = Date().timeIntervalSince(start)
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return (Double(i) / elapsed, pct(0.5), pct(0.99), i)
    }

    /// The address `recdeck serve` printed.
    static func address(in file: String) throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            if let r = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                return String(text[r])
            }
            usleep(50_000)
        }
        throw BenchError("recdeck serve did not say where it listens")
    }

    /// One wrk run: its requests/s, latency percentiles (ms), request count and non-2xx count.
    static func wrk(base: String, script: String, connections: Int, seconds: Int) throws -> Figures {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        p.arguments = [
            "-t", String(min(2, connections)), "-c", String(connections), "-d", "\(seconds)s", "--latency", "-s",
            script, base, "--", String(connections),
        ]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        func number(after label: String) -> String? {
            guard let r = text.range(of: label) else { return nil }
            return text[r.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init)
        }
        func ms(_ s: String?) -> Double {
            guard let s else { return .nan }
            if s.hasSuffix("us") { return (Double(s.dropLast(2)) ?? .nan) / 1000 }
            if s.hasSuffix("ms") { return Double(s.dropLast(2)) ?? .nan }
            if s.hasSuffix("s") { return (Double(s.dropLast()) ?? .nan) * 1000 }
            return .nan
        }
        guard let rate = number(after: "Requests/sec:").flatMap(Double.init),
            let requests = text.range(of: #"([0-9]+) requests in"#, options: .regularExpression).map({
                Int(text[$0].split(separator: " ")[0])!
            })
        else { throw BenchError("wrk said:\n\(text)") }
        let failed = number(after: "Non-2xx or 3xx responses:").flatMap(Int.init) ?? 0
        return Figures(
            rate: rate, p50: ms(number(after: " 50%")), p99: ms(number(after: " 99%")), requests: requests,
            failed: failed)
    }
}
