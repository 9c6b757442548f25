import Foundation
import RecordCore
import RecordStore

/// `recdeck-bench crash [--count N] [--kills K] [--batch-size B] [--seed S] [--folder PATH]`: crash
/// safety (issue 7). Times one complete `recdeck import` of N contacts, then K times imports the same
/// file into a fresh database and `kill -9`s it at a random moment inside that time. After each kill
/// the database is reopened as a user would: `PRAGMA integrity_check` must say ok, every batch the
/// import reported committed (`--verbose`) must be there, and what is there must be whole batches
/// (items 1…m, m a multiple of B): no partial batch.
enum CrashBench {
    /// With `server` (a `postgres://` URL) each import writes into a fresh schema on that server instead.
    static func run(count: Int, kills: Int, batch: Int, seed: UInt64?, folder: String?, server: String? = nil) throws {
        let seed = seed ?? UInt64(Date().timeIntervalSince1970)
        let folder =
            folder
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("recdeck-bench-crash-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let items = folder + "/items.jsonl"
        let lines = (0..<count).map { #"{"email":"u\#($0)@x.io","first_name":"P\#($0)","score":\#($0 % 100)}"# }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: items))
        func importArgs(_ db: String) -> [String] {
            ["import", "--db", db, "contacts", items, "--key", "$.email", "--batch-size", String(batch), "--verbose"]
        }

        // A complete run sets the window the kills fall in.
        let full = try ConcurrencyBench.Target(server: server, folder: folder, name: "full")
        defer { full.drop() }
        let started = Date()
        let whole = try Child(importArgs(full.db), stdout: "/dev/null", stderr: folder + "/full.err")
        guard whole.wait() == 0 else { fail("the complete import failed: see \(folder)/full.err") }
        let duration = Date().timeIntervalSince(started)
        print(
            "crash safety: import of \(count) contacts in batches of \(batch), complete run \(String(format: "%.2f", duration)) s; seed \(seed)"
        )
        print("kill  at (s)  batches reported  records found  whole batches  integrity")

        var rng = SeededRandom(seed: seed)
        var failures = 0
        for k in 1...kills {
            let target = try ConcurrencyBench.Target(server: server, folder: folder, name: "kill-\(k)")
            defer { target.drop() }
            let db = target.db
            let err = folder + "/kill-\(k).err"
            let delay = duration * Double.random(in: 0.05..<0.95, using: &rng)
            let child = try Child(importArgs(db), stdout: "/dev/null", stderr: err)
            usleep(UInt32(delay * 1_000_000))
            kill(child.pid, SIGKILL)
            let status = child.wait()
            let reported = try reportedItems(err)
            let store = try target.store()
            // The server keeps its own files whole; a SQLite file is checked.
            let integrity = try (store as? RecordStore)?.integrityCheck() ?? "ok"
            var present: [Int] = []
            var cursor: Int64?
            repeat {
                let page = try store.list(type: "contacts", filter: .all, after: cursor, limit: 1000)
                for r in page.records {
                    if let e = r.data["email"]?.stringValue, let n = Int(e.dropFirst().prefix { $0.isNumber }) {
                        present.append(n)
                    }
                }
                cursor = page.next
            } while cursor != nil
            present.sort()
            let m = present.count
            let contiguous = present == Array(0..<m)
            let whole = contiguous && (m % batch == 0 || m == count)
            let ok = integrity == "ok" && whole && m >= reported
            if !ok { failures += 1 }
            print(
                String(
                    format: "%4d  %6.2f  %16d  %13d  %13@  %@%@", k, delay, reported / batch, m,
                    whole ? "yes" : "NO", integrity, status == 128 + SIGKILL ? "" : " (finished before the kill)"))
            fflush(nil)
        }
        try? FileManager.default.removeItem(atPath: folder)
        if failures > 0 { fail("\(failures) of \(kills) kills left a damaged database or a partial batch") }
        print("all \(kills) kills: integrity ok, every reported batch present, no partial batch")
    }

    /// A new database with the contacts type.
    static func prepare(_ path: String) throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try RecordStore.open(path: path).applyType(contactsType)
    }

    /// The contacts type the crash and concurrency benchmarks write.
    static var contactsType: ObjectType {
        get throws {
            try ObjectType(
                json: JSONValue.parse(
                    #"{"key":"contacts","kind":"contact","fields":[{"key":"email","type":"email","required":true},{"key":"first_name","type":"string"},{"key":"score","type":"integer"}],"identifiers":[{"name":"email","source":"$.email","normalize":"email"}]}"#
                ))
        }
    }

    /// The last item number of the last batch the import reported committed ("batch 7 committed: items 6001–7000").
    static func reportedItems(_ path: String) throws -> Int {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var last = 0
        for line in text.split(separator: "\n") where line.hasPrefix("batch ") {
            if let dash = line.lastIndex(of: "–"), let n = Int(line[line.index(after: dash)...]) { last = max(last, n) }
        }
        return last
    }
}
