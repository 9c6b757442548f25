import Foundation
import TestSupport
import Testing

/// The real binary on the team store: a newcomer's first commands with `--db postgres://…`, in a schema of the
/// test's own (dropped by the last command).
@Suite(.enabled(if: TestServer.available, TestServer.skipNote))
struct PostgresCLITests {
    @Test func typeImportListGetArchiveHistoryAndPlanWorkOnTheServer() throws {
        let box = try Sandbox()
        let schema = TestServer.freshSchemaName()
        let db = try #require(TestServer.url(schema: schema))
        defer { Self.dropSchema(schema) }
        let type = try box.write(
            "t.json",
            #"{"key":"contacts","kind":"contact","fields":[{"key":"email","type":"email","required":true},{"key":"score","type":"integer"}],"identifiers":[{"name":"email","source":"$.email","normalize":"email"}]}"#
        )
        #expect(try Binary.run(["--db", db, "type", "apply", type], home: box.url).status == 0)
        let lines = (1...5).map { #"{"lookup":{"identifier":"email"},"data":{"email":"u\#($0)@x.io","score":\#($0)}}"# }
        let input = try box.write("in.jsonl", (lines + [#"{"data": nope}"#]).joined(separator: "\n"))
        let imported = try Binary.run(["--db", db, "import", "contacts", input], home: box.url)
        #expect(imported.status == 1 && imported.out.contains("create            5"), "\(imported.out)\(imported.err)")
        #expect(imported.err.contains("line 6"))
        let list = try Binary.run(["--db", db, "list", "contacts", "--jsonl"], home: box.url)
        #expect(list.out.split(separator: "\n").count == 5)
        #expect(try Binary.run(["--db", db, "archive", "contacts", "U3@x.io"], home: box.url).status == 0)
        let history = try Binary.run(["--db", db, "history", "contacts", "u3@x.io"], home: box.url)
        #expect(history.out.contains("create") && history.out.contains("archive"), "\(history.out)\(history.err)")
        let types = try Binary.run(["--db", db, "types"], home: box.url)
        #expect(types.out.contains("contacts") && types.out.contains("4       1"), "\(types.out)")
        let body = try box.write("p.json", #"{"lookup":{"identifier":"email"},"data":{"email":"u3@x.io"}}"#)
        let plan = try Binary.run(["--db", db, "plan", "contacts", body], home: box.url)
        #expect(plan.out.contains("conflict"), "\(plan.out)\(plan.err)")
        // What the team store does not do yet is refused in one line naming the store, not its password.
        let export = try Binary.run(["--db", db, "export", "contacts"], home: box.url)
        #expect(
            export.status != 0 && export.err.contains("not on PostgreSQL") && !export.err.contains(":recdeck-test@"))
        // --read-only: the transaction is read-only, writes are refused.
        let refused = try Binary.run(["--db", db, "--read-only", "archive", "contacts", "u1@x.io"], home: box.url)
        #expect(refused.status != 0)
        #expect(try Binary.run(["--db", db, "--read-only", "get", "contacts", "u1@x.io"], home: box.url).status == 0)
    }

    @Test func anUnreachableServerIsOneLineWithoutThePassword() throws {
        let box = try Sandbox()
        let r = try Binary.run(["--db", "postgres://ops:hunter2@127.0.0.1:1/team", "types"], home: box.url)
        #expect(r.status != 0)
        #expect(r.err.contains("127.0.0.1:1") && !r.err.contains("hunter2"), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1)
    }

    /// Drops a test's schema with `psql` (Debian's postgresql-client, which the server package brings).
    static func dropSchema(_ schema: String) {
        guard let url = TestServer.url else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", url, "-qc", "DROP SCHEMA IF EXISTS \(schema) CASCADE"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try? p.run()
        p.waitUntilExit()
    }
}
