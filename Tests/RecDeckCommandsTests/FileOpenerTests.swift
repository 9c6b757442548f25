import Foundation
import RecordCore
import RecordStore
import TestSupport
import Testing

@testable import RecDeckCommands

/// Opening a file directly (issue 17): the cache database, reused while the file is unchanged, replaced
/// only when a new one is complete, never used half-built; JSONL, CSV and JSON arrays.
@Suite struct FileOpenerTests {
    let folder: TemporaryFolder
    var cache: URL { folder.url.appendingPathComponent("cache") }
    init() throws { folder = try TemporaryFolder("open") }

    func open(_ file: String, key: String? = "$.email") throws -> FileOpener.Opened {
        try FileOpener(path: file, key: key, schemaFile: nil, cacheFolder: cache).open()
    }

    func caches() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".sqlite") }.sorted()
    }

    @Test(arguments: [
        ("people.jsonl", "{\"email\":\"a@x.io\",\"n\":1}\n{\"email\":\"b@x.io\",\"n\":2}\n"),
        ("people.json", "[{\"email\":\"a@x.io\",\"n\":1},\n {\"email\":\"b@x.io\",\"n\":2}]"),
        ("people.csv", "email,n\na@x.io,1\nb@x.io,2\n"),
    ])
    func eachFormatOpensAndAnUnchangedFileReopensItsCache(name: String, text: String) throws {
        let file = try folder.write(name, text)
        let first = try open(file)
        let run = try #require(first.session)
        run.runToEnd()
        #expect(run.progress.snapshot.finished && run.progress.snapshot.failure == nil)
        #expect(try first.store.counts(type: "people")?.active == 2)
        #expect(try first.store.findRecord(type: "people", key: "b@x.io")?.data["email"] == "b@x.io")
        // The complete cache is in its file alone: its log was emptied into it.
        let log = (try? FileManager.default.attributesOfItem(atPath: first.store.path + "-wal")[.size] as? Int) ?? 0
        #expect(log == 0, "a \(log)-byte log left beside the complete cache")
        // Unchanged: the complete cache opens with nothing to import.
        let again = try open(file)
        #expect(again.session == nil)
        #expect(again.store.path == first.store.path)
        #expect(try caches().count == 1)
    }

    @Test func aChangedFileIsImportedAgainAndTheOldCacheGoesOnlyWhenTheNewOneIsComplete() throws {
        let file = try folder.write("people.jsonl", "{\"email\":\"a@x.io\"}\n")
        try #require(try open(file).session).runToEnd()
        let old = try caches()
        // A line more, and a later modification time.
        try "{\"email\":\"a@x.io\"}\n{\"email\":\"c@x.io\"}\n".write(toFile: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: file)
        let reopened = try open(file)
        let run = try #require(reopened.session)
        #expect(try caches().count == 2, "the old cache stays while the new one is built")
        run.runToEnd()
        #expect(try caches().count == 1 && caches() != old)
        #expect(try reopened.store.counts(type: "people")?.active == 2)
    }

    @Test func anInterruptedImportLeavesNoCacheThatIsUsed() throws {
        let lines = (0..<2500).map { "{\"email\":\"p\($0)@x.io\"}" }.joined(separator: "\n")
        let file = try folder.write("big.jsonl", lines)
        let first = try open(file)
        let run = try #require(first.session)
        #expect(try run.step())  // one batch committed, then the process "dies"
        #expect(try first.store.meta(FileOpener.completeKey) == nil)
        // The next open does not trust the half-built cache: it starts again from nothing.
        let again = try open(file)
        let rerun = try #require(again.session)
        #expect(try again.store.counts(type: "big")?.active == 0)
        rerun.runToEnd()
        #expect(try again.store.counts(type: "big")?.active == 2500)
    }

    @Test func badLinesAreNamedAndSkipped() throws {
        let file = try folder.write("mixed.jsonl", "{\"email\":\"a@x.io\"}\n{oops\n[1]\n{\"email\":\"b@x.io\"}\n")
        let opened = try open(file)
        let run = try #require(opened.session)
        run.runToEnd()
        let s = run.progress.snapshot
        #expect(s.finished && s.refused == 2 && s.rows == 4)
        #expect(s.errors.first?.hasPrefix("line 2: invalid: body: malformed JSON") == true, "\(s.errors)")
        #expect(s.errors.last?.hasPrefix("line 3: invalid: body: expected a data object, got array") == true)
        #expect(try opened.store.counts(type: "mixed")?.active == 2)
    }

    @Test func aCSVWithABadHeaderIsRefusedAndLeavesNoTrustedCache() throws {
        let file = try folder.write("bad.csv", "email,email\na@x.io,b@x.io\n")
        do {
            _ = try open(file)
            Issue.record("a repeated column was accepted")
        } catch let e as CLIError {
            #expect(e.message.contains("email"), "\(e.message)")
            #expect(!e.message.contains("\n"))
        }
        // Fixed, it imports: the refused attempt left nothing that is trusted.
        try "email,n\na@x.io,1\n".write(toFile: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: file)
        let opened = try open(file)
        try #require(opened.session).runToEnd()
        #expect(try opened.store.counts(type: "bad")?.active == 1)
    }

    @Test func badInputIsOneClearLine() throws {
        let dir = folder.url.path
        let notData = try folder.write("notes.txt", "hello")
        let good = try folder.write("ok.jsonl", "{}\n")
        let cases: [(() throws -> Void, String)] = [
            ({ _ = try FileOpener(path: dir + "/missing.jsonl", key: nil, schemaFile: nil) }, "no such file"),
            ({ _ = try FileOpener(path: dir, key: nil, schemaFile: nil) }, "it is a folder"),
            ({ _ = try FileOpener(path: notData, key: nil, schemaFile: nil) }, "opens .jsonl, .ndjson, .json and .csv"),
            ({ _ = try FileOpener(path: good, key: "email[", schemaFile: nil) }, "--key:"),
            (
                { _ = try FileOpener(path: good, key: nil, schemaFile: dir + "/none.json") },
                "cannot read the schema file"
            ),
            (
                {
                    _ = try FileOpener(
                        path: good, key: nil, schemaFile: nil, cacheFolder: URL(fileURLWithPath: "/proc/recdeck-cache")
                    ).open()
                }, "cannot create the cache folder"
            ),
        ]
        for (body, message) in cases {
            do {
                try body()
                Issue.record("no error for \(message)")
            } catch let e as CLIError {
                #expect(e.message.contains(message), "\(e.message)")
                #expect(!e.message.contains("\n"))
            }
        }
    }
}
