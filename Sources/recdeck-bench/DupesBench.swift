import Foundation
import RecDeckCommands
import RecordCore
import RecordStore

/// `recdeck-bench dupes [--count N] [--fuzzy-count M] [--folder PATH]`: duplicate scans (issue 6) and
/// bulk merges (issue 16). N contacts with varied names and phones, where 1 in 100 repeats the one before
/// it with its email in other case, its phone formatted otherwise and a typo in its name: scanned by
/// email and by fuzzy-name+phone, then merged by `merge --auto` (email, one transaction per group) on a
/// copy, and that run undone. A fuzzy-name pass runs over M contacts (1 in 50 a typo of an earlier
/// name). Databases are built once through the real import path and kept in --folder; each step runs
/// in a fresh child process, so its time and peak memory are its own. Reports how many planted pairs
/// were found.
enum DupesBench {
    /// Child modes: `scan` (a rule, with the database at `scanPath`), `merge` and `undo` (a database path).
    static func run(
        count: Int, fuzzyCount: Int, folder: String, scan: String?, scanPath: String, merge: String?, undo: String?
    ) throws {
        if let merge { try measureMerge(path: merge, count: count); return }
        if let undo { try measureUndo(path: undo, count: count); return }
        if let scan { try measure(scan: scan, path: scanPath, count: count, planted: fuzzyCount); return }
        let crmDB = folder + "/recdeck-bench-dupes-crm-\(count).sqlite"
        let fuzzyDB = folder + "/recdeck-bench-dupes-fuzzy-\(fuzzyCount).sqlite"
        try build(path: crmDB, count: count, body: crmContact)
        try build(path: fuzzyDB, count: fuzzyCount, body: namedContact)
        print("duplicate scans and bulk merges (a fresh process each):")
        fflush(nil)
        func child(_ args: [String], goal: String) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
            p.arguments = ["dupes"] + args
            try p.run()
            p.waitUntilExit()
            if p.terminationStatus != 0 {
                fail("\(args.joined(separator: " ")) failed with status \(p.terminationStatus)")
            }
            print("    goal \(goal)"); fflush(nil)
        }
        for (rule, path, n, planted, goal) in [
            ("email", crmDB, count, 99, "≤ 3 s"),
            ("fuzzy-name+phone", crmDB, count, 99, "≤ 60 s"),
            ("fuzzy-name", fuzzyDB, fuzzyCount, 49, "≤ 10 s, ≤ 500 MB"),
        ] {
            try child(["--scan", rule, "--count", String(n), "--fuzzy-count", String(planted), path], goal: goal)
        }
        // The merge and its undo work on a copy, so the built database stays reusable.
        let work = folder + "/recdeck-bench-dupes-merge-\(count).sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: work + suffix) }
        try FileManager.default.copyItem(atPath: crmDB, toPath: work)
        try child(["--count", String(count), "--merge", work], goal: "≤ 60 s, ≤ 500 MB")
        try child(["--count", String(count), "--undo", work], goal: "≤ 60 s")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: work + suffix) }
    }

    /// Contact `i` with a varied name and its own phone; every hundredth repeats the previous contact with
    /// its email in other case and a leading space, its phone without spaces, and two letters of its name
    /// swapped.
    static func crmContact(_ i: Int) -> JSONValue {
        func phone(_ k: Int) -> String { "+1 \(200 + k / 10_000_000 % 800) \(k / 10_000 % 1000) \(k % 10_000)" }
        guard i % 100 == 99 else {
            return [
                "name": .string(personName(i)),
                "data": [
                    "contact_id": .string("C\(i)"), "email": .string("user\(i)@example.com"),
                    "phone": .string(phone(i)),
                    "score": .int(Int64(i % 100)),
                ],
            ]
        }
        var chars = Array(personName(i - 1))
        let p = chars.count - 3
        chars.swapAt(p, p + 1)
        return [
            "name": .string(String(chars)),
            "data": [
                "contact_id": .string("C\(i)"), "email": .string(" USER\(i - 1)@Example.COM"),
                "phone": .string(phone(i - 1).filter { $0 != " " }), "score": .int(Int64(i % 100)),
            ],
        ]
    }

    static let firstNames = [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
        "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Wei", "Aisha",
        "Kenji", "Priya", "Mateo", "Fatima", "Lars", "Sofia", "Ivan", "Chloe", "Yusuf", "Olga", "Diego", "Amara",
        "Hiroshi", "Ingrid", "Pedro", "Leila", "Tomasz", "Nia",
    ]
    static let syllables = [
        "ka", "lo", "mi", "ren", "tas", "vi", "son", "ber", "dal", "gor", "han", "jel", "kov", "lin", "mar", "nov",
        "ost",
        "pel", "qui", "ros", "sil", "tor", "ul", "var", "wen", "yam", "zel", "bra", "cha", "dre",
    ]

    /// A varied name for contact `k`: one of 40 first names and a surname of two or three syllables.
    static func personName(_ k: Int) -> String {
        var rng = k &* 2_654_435_761 & 0x7FFF_FFFF
        func next(_ n: Int) -> Int { rng = (rng &* 1_103_515_245 &+ 12345) & 0x7FFF_FFFF; return (rng >> 8) % n }
        let last = (0..<(2 + next(2))).map { _ in syllables[next(syllables.count)] }.joined()
        return firstNames[next(firstNames.count)] + " " + last.prefix(1).uppercased() + last.dropFirst()
    }

    /// Contact `i` with a varied name; every fiftieth is a typo (two letters swapped) of an earlier one.
    static func namedContact(_ i: Int) -> JSONValue {
        var n = personName(i)
        if i % 50 == 49 {
            var chars = Array(personName(i - 7))
            let p = chars.count - 3
            chars.swapAt(p, p + 1)
            n = String(chars)
        }
        return ["name": .string(n), "data": ["contact_id": .string("C\(i)"), "email": .string("p\(i)@example.com")]]
    }

    static func build(path: String, count: Int, body: (Int) -> JSONValue) throws {
        let store = try RecordStore.open(path: path)
        if let c = try store.counts(type: "contacts"), c.active == count {
            print("reusing \(path)"); fflush(nil); return
        }
        guard try store.types().isEmpty else { fail("\(path) holds other data") }
        try store.applyType(
            ObjectType(json: [
                "key": "contacts", "name": "Contacts", "kind": "contact",
                "fields": [
                    ["key": "contact_id", "type": "string"], ["key": "email", "type": "email"],
                    ["key": "phone", "type": "phone"], ["key": "score", "type": "integer"],
                ],
                "identifiers": [["name": "contact_id", "source": "$.contact_id", "normalize": "exact"]],
            ]))
        let start = Date()
        var i = 0
        while i < count {
            let n = min(1000, count - i)
            let items = (i..<(i + n)).map { k -> ImportItem in
                var b = body(k).objectValue!
                b["lookup"] = ["identifier": "contact_id"]
                let json = JSONValue.object(b)
                return ImportItem(request: NativeRequest.result(type: "contacts", body: json), body: nil)
            }
            _ = try store.importBatch(items, type: "contacts", source: WriteSource("bench"))
            i += n
            if i % 200_000 == 0 { print("  imported \(i)"); fflush(nil) }
        }
        print(String(format: "built %d contacts in %.1f s (%@)", count, Date().timeIntervalSince(start), path))
        fflush(nil)
    }

    /// One scan in this (fresh) process: time, groups, planted pairs found, peak memory.
    static func measure(scan rule: String, path: String, count: Int, planted: Int) throws {
        let store = try RecordStore.open(path: path, readOnly: true)
        guard let type = try store.objectType("contacts") else { fail("no contacts in \(path)") }
        let rules = [try DuplicateRule.parse(rule, for: type)]
        var report: DuplicateReport?
        let ms = TUIBench.milliseconds { report = try? store.scanDuplicates(type: "contacts", rules: rules) }
        guard let report else { fail("scan failed") }
        // Planted pairs: contact i with i-1 (email) or i-7 (names), for every i ending in `planted` mod 100/50.
        var groupOf: [String: Int] = [:]
        for (g, group) in report.groups.enumerated() { for id in group.recordIDs { groupOf[id] = g } }
        let step = planted == 99 ? 100 : 50, back = planted == 99 ? 1 : 7
        var plantedPairs = 0, found = 0
        for i in stride(from: planted, to: count, by: step) {
            plantedPairs += 1
            guard let a = try store.findRecord(type: "contacts", key: "C\(i)"),
                let b = try store.findRecord(type: "contacts", key: "C\(i - back)")
            else { continue }
            if let g = groupOf[a.id], groupOf[b.id] == g { found += 1 }
        }
        print(
            String(
                format: "  %@ over %d records: %.2f s, %d groups, planted pairs found %d of %d, peak RSS %.0f MB",
                rule, count, ms / 1000, report.groups.count, found, plantedPairs, TUIBench.memory("VmHWM")))
        fflush(nil)
    }

    /// `merge --auto` by email in this (fresh) process: the scan, then one transaction per group under one
    /// run; time, groups merged and skipped, peak memory.
    static func measureMerge(path: String, count: Int) throws {
        let store = try RecordStore.open(path: path)
        guard let type = try store.objectType("contacts") else { fail("no contacts in \(path)") }
        let rules = [try DuplicateRule.parse("email", for: type)]
        var report: DuplicateReport?
        let scanMs = TUIBench.milliseconds { report = try? store.scanDuplicates(type: "contacts", rules: rules) }
        guard let report else { fail("scan failed") }
        var run: MergeRun?
        let mergeMs = TUIBench.milliseconds {
            run = try? store.autoMerge(
                type: "contacts", groups: report.groups, match: "email", rules: .standard, minScore: 1, dryRun: false,
                source: WriteSource("bench"))
        }
        guard let run else { fail("merge run failed") }
        let active = try store.counts(type: "contacts")?.active ?? -1
        print(
            String(
                format:
                    "  merge --auto by email over %d records: %.1f s (scan %.1f s + merges %.1f s), %d merged, %d skipped, %d active after, peak RSS %.0f MB",
                count, (scanMs + mergeMs) / 1000, scanMs / 1000, mergeMs / 1000, run.count(.merged),
                run.count(.skipped),
                active, TUIBench.memory("VmHWM")))
        fflush(nil)
    }

    /// `undo --batch RUN` of the newest run in this (fresh) process: time, merges undone, refused, and
    /// whether every record is active again.
    static func measureUndo(path: String, count: Int) throws {
        let store = try RecordStore.open(path: path)
        guard let runID = try store.mergeRuns(limit: 1).first?.id else { fail("no merge run in \(path)") }
        var undo: MergeRunUndo?
        let ms = TUIBench.milliseconds { undo = try? store.undoRun(runID, source: WriteSource("bench")) }
        guard let undo else { fail("undo failed") }
        let active = try store.counts(type: "contacts")?.active ?? -1
        print(
            String(
                format:
                    "  undo --batch RUN: %.1f s, %d merges undone, %d refused, %d records restored, %d active after (of %d), peak RSS %.0f MB",
                ms / 1000, undo.undone.count, undo.refused.count, undo.restoredRecords, active, count,
                TUIBench.memory("VmHWM")))
        fflush(nil)
    }
}
