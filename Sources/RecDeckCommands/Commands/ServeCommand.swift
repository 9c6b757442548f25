import ArgumentParser
import Foundation
import RecordCore
import RecordServer
import RecordStore

/// `recdeck serve [--host H] [--port P]`: the sandbox server (DESIGN §8) over the store.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer the five CRM APIs (and the native one) over HTTP, on this store, journaling every request.",
        discussion: """
            Routes: Voxworks POST /api/v1/upsert-object; Kizen POST /api/records/{type}/upsert; Nex PUT \
            /api/developers/v1/objects/{type}; Zendesk PATCH /api/v2/custom_objects/{type}/records; bulk POST \
            /objects/{type}/batch/upsert and GET /processes/{id}; native POST /types/{type}/upsert; reads GET /types, \
            GET /types/{type}/records?after=&limit=&filter= and GET /types/{type}/records/{id}; GET \
            /__recdeck/health, GET and DELETE /__recdeck/requests, POST /__recdeck/reset; GET /openapi.json. Stops cleanly on SIGINT or SIGTERM. \
            `recdeck requests` prints the journal.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Address to bind (loopback by default).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(
        name: .customLong("token"),
        help: "Accept this credential (repeatable), each dialect in its own form; without one, every request is let in."
    )
    var tokens: [String] = []
    @Option(help: "Requests per second per credential (N or N/s); over it: 429 with Retry-After.") var rateLimit:
        String?
    @Option(help: "Milliseconds added to each answer: MS, or MS-MS for a uniform range.") var latency: String?
    @Option(
        name: .customLong("fault"),
        help: "DIALECT:STATUS:P — a fraction P of that dialect's requests fail with STATUS (500, 503, 429); repeatable."
    )
    var faults: [String] = []
    @Option(help: "Seeds latency and faults, so a run repeats.") var seed: UInt64 = 0
    @Option(help: "Journal request bodies up to this many bytes.") var journalBodyLimit = JournalEntry.bodyLimit
    @Option(help: "Close a connection that sends nothing for this many seconds (a body never finished included).")
    var clientTimeout = 30.0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port (0–65535)") }
        guard journalBodyLimit >= 0 else { throw ValidationError("--journal-body-limit must be 0 or more bytes") }
        guard clientTimeout > 0, clientTimeout <= 3600 else {
            throw ValidationError("--client-timeout must be more than 0 and at most 3600 seconds")
        }
        _ = try policy()
    }

    /// The options as the server's policy; every bad value is one line naming it.
    func policy() throws -> ServerPolicy {
        var policy = ServerPolicy(seed: seed)
        if let rateLimit {
            let text = rateLimit.hasSuffix("/s") ? String(rateLimit.dropLast(2)) : rateLimit
            guard let n = Int(text), n > 0 else {
                throw ValidationError(
                    "--rate-limit \"\(rateLimit)\" must be a positive number of requests per second, e.g. 20/s")
            }
            policy.rateLimit = n
        }
        if let latency {
            let parts = latency.split(separator: "-").map { Int($0) }
            guard (1...2).contains(parts.count), parts.allSatisfy({ ($0 ?? -1) >= 0 }), parts.last!! >= parts.first!!
            else {
                throw ValidationError("--latency \"\(latency)\" must be MS or MS-MS, e.g. 50 or 20-200")
            }
            policy.latency = parts.first!!...parts.last!!
        }
        for f in faults {
            let parts = f.split(separator: ":").map(String.init)
            guard parts.count == 3, Dialects.named(parts[0]) != nil, let status = Int(parts[1]),
                [429, 500, 503].contains(status), let p = Double(parts[2]), (0...1).contains(p)
            else {
                throw ValidationError(
                    "--fault \"\(f)\" must be DIALECT:STATUS:P with a dialect (\(Dialects.names.joined(separator: ", "))), 429, 500 or 503, and 0 ≤ P ≤ 1"
                )
            }
            policy.faults[parts[0]] = (status, p)
        }
        return policy
    }

    func run() throws {
        try global.requireWritable("serve")
        let store = try global.openSQLiteStore(for: "serve", concurrentReads: true)
        let server = SandboxServer(
            store: store, host: host, port: port, tokens: tokens, policy: try policy(),
            journalBodyLimit: journalBodyLimit, clientTimeout: .milliseconds(Int64(clientTimeout * 1000)))
        let db = store.path
        do {
            try Self.block {
                try await server.run { address in
                    Output.out("recdeck serve: listening on \(address) (database \(db)); ctrl-c stops")
                    fflush(nil)
                }
            }
        } catch let error as SandboxServer.PortInUse {
            throw CLIError(error.description)
        }
        Output.out("recdeck serve: stopped (requests in flight were answered)")
    }

    /// Runs async work to its end from this synchronous command.
    static func block(_ work: @escaping @Sendable () async throws -> Void) throws {
        final class Outcome: @unchecked Sendable { var error: (any Error)? }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { try await work() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}

/// `recdeck requests [--limit N] [--json]`: the sandbox server's journal, oldest first.
struct RequestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests", abstract: "Print the requests `recdeck serve` answered (credentials redacted).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "How many of the newest requests to print.") var limit = 50
    @Flag(help: "Keep printing requests as the server journals them (ctrl-c stops).") var follow = false

    func run() throws {
        guard limit > 0 else { throw CLIError("--limit must be at least 1", status: .usage) }
        let store = try global.openSQLiteStore(for: "serve")
        let entries = try store.requests(limit: limit)
        if global.json {
            // One JSON array; with --follow, one JSON object per line as requests arrive.
            if follow {
                entries.forEach { Output.out($0.json.jsonText) }
            } else {
                Output.json(.array(entries.map(\.json)))
            }
        } else if entries.isEmpty && !follow {
            Output.out("no requests yet (recdeck serve answers and journals them)")
        } else {
            Output.out(Self.header)
            entries.forEach { Output.out(Self.line($0)) }
        }
        guard follow else { return }
        // Stopped by ctrl-c or SIGTERM even when started with them ignored or blocked (a parent's
        // dispositions and signal mask are inherited).
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        var last = entries.last?.id ?? 0
        while true {
            fflush(nil)
            usleep(250_000)
            for e in try store.requests(after: last, limit: 1000) {
                Output.out(global.json ? e.json.jsonText : Self.line(e))
                last = e.id ?? last
            }
        }
    }

    static let header = "ID      AT                        DIALECT   METHOD STATUS DECISION      MS      PATH"

    /// One journal entry on one line (fixed columns, so a followed journal stays aligned).
    static func line(_ e: JournalEntry) -> String {
        func pad(_ s: String, _ n: Int) -> String {
            s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
        }
        return pad(String(e.id ?? 0), 8) + pad(Timestamp.format(e.at), 26) + pad(e.dialect, 10) + pad(e.method, 7)
            + pad(String(e.status), 7) + pad(e.decision ?? "", 14) + pad(String(format: "%.1f", e.milliseconds), 8)
            + Output.cell(e.path + (e.query.isEmpty ? "" : "?" + e.query), max: 80)
            + (e.conflictSummary.map { "  " + $0 } ?? "")
    }
}
