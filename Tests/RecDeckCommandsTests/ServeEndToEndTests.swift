import Foundation
import RecordCore
import Testing

@testable import RecDeckCommands

/// `recdeck serve` under real clients (issue 18, first slice): every dialect's route answers what the
/// CLI's preview of the same request says, the journal keeps each request with credentials redacted, the
/// read routes answer, a port in use is one clear line, and SIGTERM stops it cleanly.
@Suite(.serialized) struct ServeEndToEndTests {
    /// A running `recdeck serve` on a free loopback port.
    final class Server {
        let process = Process()
        let base: String
        init(_ box: Sandbox, _ extra: [String] = []) throws {
            process.executableURL = Binary.url
            process.arguments = ["serve", "--db", box.db, "--port", "0"] + extra
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The address line: "recdeck serve: listening on http://127.0.0.1:PORT (…)".
            var text = ""
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, !text.contains("listening on http://") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            guard let r = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
                process.terminate()
                throw CLIError("the server did not say where it listens: \(text)")
            }
            base = String(text[r])
        }
        deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }
    }

    struct Answer { var status: Int; var body: JSONValue }

    /// curl's status line and response headers for one request (`-i`).
    static func headers(_ method: String, _ url: String, body: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "-s", "-i", "-X", method, url, "--data-binary", body]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n\r\n").first ?? ""
    }

    /// curl, the real client: method, path, body, headers; the status and the JSON body.
    static func curl(
        _ method: String, _ url: String, body: String? = nil, bodyFile: String? = nil, headers: [String] = []
    ) throws -> Answer {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var args = ["curl", "-s", "-X", method, "-w", "\n%{http_code}", url] + headers.flatMap { ["-H", $0] }
        if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
        if let bodyFile { args += ["-H", "Content-Type: application/json", "--data-binary", "@" + bodyFile] }
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        let json = (try? JSONValue.parse(lines.dropLast().joined(separator: "\n"))) ?? .null
        return Answer(status: status, body: json)
    }

    static func route(_ dialect: String, _ type: String) -> (String, String) {
        switch dialect {
        case "voxworks": return ("POST", "/api/v1/upsert-object")
        case "kizen": return ("POST", "/api/records/\(type)/upsert")
        case "nex": return ("PUT", "/api/developers/v1/objects/\(type)")
        case "zendesk": return ("PATCH", "/api/v2/custom_objects/\(type)/records")
        case "bulk": return ("POST", "/objects/\(type)/batch/upsert")
        default: return ("POST", "/types/\(type)/upsert")
        }
    }

    /// An example's method, path and percent-encoded query on the server.
    static func target(_ e: DemoData.Example) -> (String, String, String) {
        let (method, path) = route(e.dialect, e.type)
        let query = e.query.map { $0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)! }
        return (method, path, query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    static let curlAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func everyDialectAnswersOverHTTPAsThePreviewSaysAndIsJournaled() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box)
        for e in DemoData.examples {
            // The CLI's preview of the same request on the same state: the status the server must answer.
            let file = try box.write("example.json", e.body.jsonText)
            let preview = try box.run(
                ["plan", "--json", "--db", box.db, "--dialect", e.dialect] + e.query.flatMap { ["--query", $0] }
                    + [e.type, file])
            let expected = try JSONValue.parse(preview.out)
            let status = Int(expected["status"]?.intValue ?? expected["plan"]?["status"]?.intValue ?? 0)
            let (method, path, query) = Self.target(e)
            let answer = try Self.curl(
                method, server.base + path + query, body: e.body.jsonText, headers: ["Authorization: Bearer s3cret"])
            #expect(answer.status == status, "\(e.dialect) \(e.file) \(path)\(query): \(answer.body.jsonText)")
            #expect(answer.body != .null, "\(e.dialect) \(e.file)")
        }
        // A native create then update: 201, then 200 on the same record.
        let body = #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"H1","email":"h1@x.io"}}"#
        let created = try Self.curl("POST", server.base + "/types/contacts/upsert", body: body)
        let updated = try Self.curl(
            "POST", server.base + "/types/contacts/upsert", body: body.replacingOccurrences(of: "h1@", with: "h2@"))
        #expect(created.status == 201 && updated.status == 200)
        #expect(created.body["record"]?["id"] == updated.body["record"]?["id"])
        // Read routes.
        let types = try Self.curl("GET", server.base + "/types")
        #expect(types.status == 200 && types.body.arrayValue?.contains { $0["key"] == "contacts" } == true)
        let h1 = try Self.curl("GET", server.base + "/types/contacts/records/H1")
        #expect(h1.status == 200 && h1.body["data"]?["email"] == "h2@x.io")
        #expect(try Self.curl("GET", server.base + "/types/contacts/records/NOPE").status == 404)
        #expect(try Self.curl("GET", server.base + "/__recdeck/health").body["status"] == "ok")
        // Over 1 MiB: 413 in the native envelope, nothing written.
        let huge = #"{"data":{"contact_id":"BIG","note":""# + String(repeating: "x", count: 1 << 20) + #""}}"#
        let tooBig = try Self.curl(
            "POST", server.base + "/types/contacts/upsert", bodyFile: try box.write("huge.json", huge))
        #expect(tooBig.status == 413, "\(tooBig.body.jsonText)")
        #expect(try Self.curl("GET", server.base + "/types/contacts/records/BIG").status == 404)
        // The journal: every request, credentials redacted.
        let journal = try JSONValue.parse(box.run(["requests", "--db", box.db, "--json", "--limit", "100"]).out)
        let entries = try #require(journal.arrayValue)
        #expect(entries.count == DemoData.examples.count + 3)
        #expect(Set(entries.compactMap { $0["dialect"]?.stringValue }) == Set(Dialects.names))
        let withAuth = try #require(
            entries.first { $0["headers"]?.objectValue?.keys.contains("Authorization") == true })
        #expect(withAuth["headers"]?["Authorization"] == "[redacted]")
        #expect(!journal.jsonText.contains("s3cret"))
        // SIGTERM: a clean stop.
        server.process.terminate()
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func withATokenEachDialectChecksItsOwnCredentialsAndRefusesWith401() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box, ["--token", "s3cret"])
        let before = try box.run(["types", "--db", box.db]).out
        let basic = "Basic " + Data("me@x.io:s3cret".utf8).base64EncodedString()
        let good: [String: [String]] = [
            "voxworks": ["Authorization: Bearer s3cret"], "nex": ["Authorization: Bearer s3cret"],
            "native": ["Authorization: Bearer s3cret"], "kizen": ["X-API-KEY: s3cret", "X-BUSINESS-ID: b1"],
            "zendesk": ["Authorization: \(basic)"], "bulk": ["api-key: s3cret"],
        ]
        for e in DemoData.examples {
            let (method, path, query) = Self.target(e)
            // Without credentials, or with another dialect's form: 401 in the dialect's own envelope.
            for headers in [[], ["Authorization: Bearer wrong"], ["X-API-KEY: s3cret"]] {
                let refused = try Self.curl(method, server.base + path + query, body: e.body.jsonText, headers: headers)
                if e.dialect == "kizen" || e.dialect == "bulk" || headers != ["X-API-KEY: s3cret"] {
                    #expect(refused.status == 401, "\(e.dialect) \(headers): \(refused.body.jsonText)")
                    #expect(refused.body != .null)
                }
            }
        }
        #expect(try box.run(["types", "--db", box.db]).out == before, "a refused request writes nothing")
        for e in DemoData.examples {
            let (method, path, query) = Self.target(e)
            let answer = try Self.curl(
                method, server.base + path + query, body: e.body.jsonText, headers: good[e.dialect]!)
            #expect(answer.status != 401, "\(e.dialect) \(e.file): \(answer.body.jsonText)")
        }
        let vox = try Self.curl("POST", server.base + "/api/v1/upsert-object", body: "{}")
        #expect(vox.status == 401 && vox.body["success"] == false)
        #expect(vox.body["message"]?.stringValue?.contains("Invalid API key") == true)
        let journal = try box.run(["requests", "--db", box.db, "--json", "--limit", "200"]).out
        #expect(!journal.contains("s3cret"))
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func adminRoutesShowAndClearTheJournalAndResetRestoresTheStartingState() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box)
        let body = #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"R1","email":"r1@x.io"}}"#
        #expect(try Self.curl("POST", server.base + "/types/contacts/upsert", body: body).status == 201)
        let journal = try Self.curl("GET", server.base + "/__recdeck/requests")
        #expect(journal.body.arrayValue?.count == 1 && journal.body.arrayValue?.first?["status"] == 201)
        #expect(try Self.curl("DELETE", server.base + "/__recdeck/requests").status == 200)
        #expect(try Self.curl("GET", server.base + "/__recdeck/requests").body.arrayValue?.isEmpty == true)
        // Reset: the record made since the start is gone, the demo's are back as they were.
        #expect(try Self.curl("POST", server.base + "/__recdeck/reset").status == 200)
        #expect(try Self.curl("GET", server.base + "/types/contacts/records/R1").status == 404)
        #expect(try Self.curl("GET", server.base + "/types/contacts/records/C00000").status == 200)
        #expect(try Self.curl("POST", server.base + "/types/contacts/upsert", body: body).status == 201)
        // The CLI on the same file sees the reset state too.
        #expect(try box.run(["get", "contacts", "R1", "--db", box.db]).status == 0)
    }

    /// A script of the package's `scripts/` folder.
    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/" + name).path
    }

    /// `python3 ARGS`: its exit status and its output (stderr too, with `errors`).
    static func python3(_ args: [String], errors: Bool = true) throws -> (status: Int32, text: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let out = Pipe()
        p.standardOutput = out
        if errors { p.standardError = out }
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    /// `scripts/serve-clients.py` (Python's standard urllib) against the server: its JSON summary.
    static func python(_ args: [String]) throws -> JSONValue {
        try JSONValue.parse(python3([script("serve-clients.py")] + args, errors: false).text)
    }

    @Test func sixteenClientsRacingOnTheSameNewKeysMakeEachRecordOnce() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box)
        let race = try Self.python(["race", server.base, "16", "500"])
        // 500 creates and 7,500 updates: every answer a create or an update, none an error or a lock.
        #expect(race["statuses"] == ["201": 500, "200": 7500], "\(race.jsonText)")
        #expect(race["failures"] == [])
        let listed = try box.run(["list", "contacts", "--db", box.db, "--jsonl", "--limit", "2000"]).out
        #expect(listed.split(separator: "\n").filter { $0.contains("\"RACE") }.count == 500)
        let journal = try JSONValue.parse(box.run(["requests", "--db", box.db, "--json", "--limit", "9000"]).out)
        #expect(journal.arrayValue?.count == 8000)
        // A create-then-update per dialect with urllib.
        let sequence = try Self.python(["sequence", server.base])
        #expect(sequence["native"] == [201, 200] && sequence["voxworks"] == [201, 200], "\(sequence.jsonText)")
        #expect(sequence["nex"] == [200, 200] && sequence["bulk"] == [202, 202], "\(sequence.jsonText)")
        #expect(sequence["kizen"] == [201, 200] && sequence["zendesk"] == [201, 200], "\(sequence.jsonText)")
    }

    @Test(.enabled(if: TUIEndToEndTests.tmuxAvailable && curlAvailable, "tmux or curl is not installed"))
    func theTUIsRequestsViewFollowsTheServerLiveAndResolvesItsConflict() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box)
        let tmux = TUIEndToEndTests.Tmux()
        try tmux.start(
            "env -u NO_COLOR TERM=xterm-256color HOME=\(box.url.path) \(Binary.url.path) --db \(box.db); "
                + "echo RECDECK-EXITED-$?; sleep 600")
        _ = try tmux.waitFor("CONFLICTS IDENTIFIERS")
        try tmux.keys(":requests", "Enter")
        _ = try tmux.waitFor("No requests yet.")
        // C00031 is archived: in prompt mode the server parks a conflict. No key is pressed after it.
        let answer = try Self.curl(
            "POST", server.base + "/types/contacts/upsert",
            body: #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"C00031","title":"Live"}}"#)
        #expect(answer.status == 409)
        _ = try tmux.waitFor("409 conflict", "conflict #4 pending", seconds: 5)
        // A second request: the selection follows it, and the first row shows its colours — the 409 as a
        // warning (orange), the decision on the conflict badge's background (the default theme).
        _ = try Self.curl(
            "POST", server.base + "/types/contacts/upsert",
            body: #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"LIVE2"}}"#)
        _ = try tmux.waitFor("201 create", seconds: 5)
        let row = try #require(try tmux.coloured().first { $0.contains("conflict #4 pending") })
        #expect(row.contains("\u{1B}[38;5;214m409"), "\(row)")
        #expect(row.contains("\u{1B}[48;5;166mconflict"), "\(row)")
        try tmux.keys("k")
        // Resolve it from the TUI while the server runs: unarchive + update.
        try tmux.keys("Enter")
        _ = try tmux.waitFor("r resolves it")
        try tmux.keys("r")
        _ = try tmux.waitFor("conflict 1 of 1")
        try tmux.keys("2", "Enter")
        _ = try tmux.waitFor("y/enter confirm")
        try tmux.keys("y")
        _ = try tmux.waitFor("conflict #4 resolved: unarchive_update")
        // The server sees the record restored; the journal says what was chosen.
        let record = try Self.curl("GET", server.base + "/types/contacts/records/C00031")
        #expect(record.body["archived"] == false && record.body["data"]?["title"] == "Live")
        let journal = try JSONValue.parse(box.run(["requests", "--db", box.db, "--json"]).out)
        #expect(journal.arrayValue?.first?["resolution"] == "unarchive_update")
        let listed = try box.run(["requests", "--db", box.db]).out
        #expect(listed.contains("conflict #4 resolved: unarchive_update"), "\(listed)")
        try tmux.keys("Escape")
        try tmux.quit()
    }

    @Test func badInputGetsAClearAnswerWritesNothingAndTheServerKeepsServing() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box, ["--client-timeout", "1"])
        let before = try box.run(["types", "--db", box.db, "--json"]).out
        let r = try Self.python(["bad-input", server.base])
        #expect(r["unknown_route"]?["status"] == 404 && r["unknown_route"]?["type"] == "application/json")
        #expect(r["unknown_route"]?["body"]?["error"] == "no route GET /no/such/route; GET /openapi.json lists them")
        #expect(r["wrong_method"]?["status"] == 405 && r["wrong_method"]?["allow"] == "POST")
        #expect(r["wrong_method"]?["body"]?["error"] == "GET is not allowed on /api/v1/upsert-object; use POST")
        // Malformed JSON: 400 in the dialect's envelope (Kizen's non_field_errors), with line and column.
        #expect(r["malformed"]?["status"] == 400)
        #expect(
            r["malformed"]?["body"]?["non_field_errors"]?.arrayValue?.first?.stringValue?.hasSuffix(
                "at line 2, column 13") == true)
        #expect(r["not_utf8"]?["status"] == 400 && r["not_utf8"]?["body"]?["success"] == false)
        #expect(r["not_utf8"]?["body"]?["message"]?.stringValue?.contains("not valid UTF-8") == true)
        #expect(r["enormous_header"]?["status"] == 400 && r["enormous_query"]?["status"] == 400)
        // The slow client is closed after the timeout; others were answered meanwhile.
        #expect(r["slow_client"]?["health_meanwhile"] == 200)
        func seconds(_ v: JSONValue?) -> Double {
            switch v {
            case .double(let d)?: return d
            case .int(let i)?: return Double(i)
            default: return -1
            }
        }
        #expect((0..<0.5).contains(seconds(r["slow_client"]?["health_seconds"])))
        let closed = seconds(r["slow_client"]?["closed_after"])
        #expect(closed >= 0.9 && closed < 10, "\(r.jsonText)")
        #expect(r["health_after"] == 200)
        // Nothing written; the refusals are journaled, the unfinished body is not.
        #expect(try box.run(["types", "--db", box.db, "--json"]).out == before)
        let journal = try JSONValue.parse(box.run(["requests", "--db", box.db, "--json"]).out)
        #expect(journal.arrayValue?.map { $0["status"]?.intValue } == [400, 400])
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func sigtermAnswersTheRequestsInFlightBeforeStopping() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box, ["--latency", "1500"])
        let clients = (0..<4).map { n -> (Process, Pipe) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [
                "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                server.base + "/types/contacts/upsert", "--data-binary",
                #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"FLIGHT\#(n)"}}"#,
            ]
            let out = Pipe()
            p.standardOutput = out
            return (p, out)
        }
        for (p, _) in clients { try p.run() }
        // The requests are in the server's latency when SIGTERM arrives.
        Thread.sleep(forTimeInterval: 0.5)
        server.process.terminate()
        let statuses = clients.map { p, out in
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        server.process.waitUntilExit()
        #expect(statuses == ["201", "201", "201", "201"])
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        for n in 0..<4 { #expect(try box.run(["get", "contacts", "FLIGHT\(n)", "--db", box.db]).status == 0) }
        let journal = try JSONValue.parse(box.run(["requests", "--db", box.db, "--json"]).out)
        #expect(journal.arrayValue?.count == 4)
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func recordsArePagedByCursorAndFilterAndBodiesJournaledUpToTheLimit() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box, ["--journal-body-limit", "10"])
        var seen: [String] = []
        var url = server.base + "/types/companies/records?limit=25"
        while true {
            let page = try Self.curl("GET", url)
            #expect(page.status == 200)
            seen += page.body["records"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            guard let next = page.body["next"]?.stringValue else { break }
            url = server.base + "/types/companies/records?limit=25&after=" + next
        }
        #expect(seen.count == 56 && Set(seen).count == 56)
        let filtered = try Self.curl("GET", server.base + "/types/contacts/records?filter=ravi")
        #expect(
            filtered.body["records"]?.arrayValue?.allSatisfy { $0["name"]?.stringValue?.contains("Ravi") == true }
                == true)
        #expect(try Self.curl("GET", server.base + "/types/contacts/records?limit=0").status == 400)
        #expect(try Self.curl("GET", server.base + "/types/nope/records").status == 404)
        _ = try Self.curl(
            "POST", server.base + "/types/contacts/upsert",
            body: #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"LIMIT1"}}"#)
        let journal = try JSONValue.parse(box.run(["requests", "--db", box.db, "--json"]).out)
        #expect(journal.arrayValue?.last?["body"] == #"{"lookup":"#)
    }

    /// True when python3 can import `module`.
    static func pythonHas(_ module: String) -> Bool { (try? python3(["-c", "import \(module)"]))?.status == 0 }

    /// schemathesis (`scripts/serve-schemathesis.py`) with the Voxworks and Kizen documents from the seeds:
    /// no 5xx, every answer valid against the vendor's schema and content type. CI installs it and sets
    /// `RECDECK_REQUIRE_WIRE=1`, so it never skips there.
    @Test func schemathesisFindsNoServerErrorAndEveryAnswerMatchesTheVendorsSchema() throws {
        guard Self.pythonHas("schemathesis") else {
            if ProcessInfo.processInfo.environment["RECDECK_REQUIRE_WIRE"] == "1" {
                Issue.record("schemathesis is missing (pip install schemathesis)")
            }
            return
        }
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box)
        let (status, text) = try Self.python3([Self.script("serve-schemathesis.py"), server.base, "100"])
        #expect(status == 0, "\(text)")
        #expect(text.contains("voxworks: exit 0") && text.contains("kizen: exit 0"), "\(text)")
        // The server is still up and wrote only what the planner allowed.
        #expect(try Self.curl("GET", server.base + "/__recdeck/health").status == 200)
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func theOpenAPIDocumentValidatesAndListsEveryRoute() throws {
        let required = ProcessInfo.processInfo.environment["RECDECK_REQUIRE_WIRE"] == "1"
        guard Self.pythonHas("openapi_spec_validator") else {
            if required { Issue.record("openapi-spec-validator is missing (pip install openapi-spec-validator)") }
            return
        }
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box, ["--token", "t"])
        let doc = try Self.curl("GET", server.base + "/openapi.json")
        #expect(doc.status == 200 && doc.body["openapi"] == "3.1.0")
        let paths = Set(doc.body["paths"]?.objectValue?.keys.map { $0 } ?? [])
        for path in [
            "/api/v1/upsert-object", "/api/records/{object_identifier}/upsert", "/api/developers/v1/objects/{slug}",
            "/api/v2/custom_objects/{custom_object_key}/records", "/objects/{object_type}/batch/upsert",
            "/processes/{processId}", "/types/{type}/upsert", "/types", "/types/{type}/records",
            "/types/{type}/records/{id}",
            "/__recdeck/health", "/__recdeck/requests", "/__recdeck/reset", "/openapi.json",
        ] {
            #expect(paths.contains(path), "\(path) is not described")
        }
        #expect(doc.body["paths"]?["/api/v1/upsert-object"]?["post"]?["responses"]?["401"] != nil)
        let file = try box.write("openapi.json", doc.body.jsonText)
        let (status, text) = try Self.python3(["-m", "openapi_spec_validator", file])
        #expect(status == 0, "\(text)")
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func rateLimitsAnswer429WithHeadersAndWriteNothing() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box, ["--rate-limit", "3/s"])
        var statuses: [Int] = []
        // The first refusal's headers: on a loaded machine the window may reset before the sixth request.
        var refused = ""
        for n in 0..<6 {
            let body = #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"RL\#(n)"}}"#
            let answer = try Self.headers("POST", server.base + "/types/contacts/upsert", body: body)
            statuses.append(Int(answer.split(separator: " ")[1]) ?? 0)
            if statuses.last == 429, refused.isEmpty { refused = answer }
        }
        #expect(statuses.prefix(3).allSatisfy { $0 == 201 } && statuses.contains(429), "\(statuses)")
        let last = refused
        let lower = last.lowercased()
        #expect(lower.contains("retry-after: ") && lower.contains("x-ratelimit-limit: 3"), "\(last)")
        #expect(lower.contains("x-ratelimit-remaining: 0"), "\(last)")
        // A refused request wrote nothing.
        let made = try box.run(["list", "contacts", "--db", box.db, "--jsonl", "--limit", "2000"]).out
        #expect(made.split(separator: "\n").filter { $0.contains("\"RL") }.count == statuses.filter { $0 == 201 }.count)
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func seededFaultsFailTheSameRequestsEveryRunAndLatencyDelays() throws {
        func run() throws -> [Int] {
            let box = try Sandbox()
            #expect(try box.run(["demo", "--db", box.db]).status == 0)
            let server = try Server(box, ["--fault", "native:503:0.5", "--seed", "7", "--latency", "5-10"])
            let started = Date()
            let statuses = try (0..<12).map { n in
                try Self.curl(
                    "POST", server.base + "/types/contacts/upsert",
                    body: #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"F\#(n)"}}"#
                ).status
            }
            #expect(Date().timeIntervalSince(started) >= 0.06, "12 answers with at least 5 ms each")
            return statuses
        }
        let first = try run(), second = try run()
        #expect(first == second, "\(first) vs \(second)")
        #expect(first.contains(503) && first.contains(201), "\(first)")
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func theNexSeedsOwnCurlExampleWorksWithOnlyTheHostChanged() throws {
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/seeds")
        let nex = try #require(
            try FileManager.default.contentsOfDirectory(atPath: seeds.path).first { $0.hasPrefix("002_") },
            "../shared/seeds/002_… (the Nex reference page) is missing")
        let page = try String(contentsOf: seeds.appendingPathComponent(nex), encoding: .utf8)
        // The page's first curl command: its URL (with {slug}), headers and --data body.
        let start = try #require(page.range(of: "--data '\n"))
        let end = try #require(page.range(of: "\n'", range: start.upperBound..<page.endIndex))
        let body = String(page[start.upperBound..<end.lowerBound])
        #expect(
            page.hasPrefix("curl --request PUT") && page.contains("https://app.nex.ai/api/developers/v1/objects/{slug}")
        )
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box)
        let answer = try Self.curl(
            "PUT", server.base + "/api/developers/v1/objects/people", body: body,
            headers: ["Authorization: <api-key>"])
        #expect(answer.status == 200, "\(answer.body.jsonText)")
        #expect(answer.body["attributes"]?["job_title"] == "CTO" && answer.body["workspace_id"] != nil)
        let jane = try Self.curl("GET", server.base + "/types/people/records/jane@example.com")
        #expect(jane.status == 200 && jane.body["data"]?["name"]?["first_name"] == "Jane")
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func requestsFollowPrintsEachRequestAsItIsJournaled() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box)
        let follow = Process()
        follow.executableURL = Binary.url
        follow.arguments = ["requests", "--follow", "--json", "--db", box.db]
        let log = try box.write("follow.log", "")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        follow.standardOutput = handle
        try follow.run()
        defer { follow.terminate(); follow.waitUntilExit() }
        usleep(500_000)
        _ = try Self.curl(
            "POST", server.base + "/types/contacts/upsert",
            body: #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"FOLLOW1"}}"#)
        // Polled with a deadline: the follower prints the request within its 250 ms poll.
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !text.contains("\n") {
            usleep(100_000)
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        let entry = try JSONValue.parse(String(text.split(separator: "\n").first ?? ""))
        #expect(entry["path"] == "/types/contacts/upsert" && entry["status"] == 201 && entry["decision"] == "create")
    }

    @Test func badServeOptionsAreOneLine() throws {
        let box = try Sandbox()
        for (args, message) in [
            (["--rate-limit", "fast"], "--rate-limit \"fast\" must be a positive number"),
            (["--latency", "9-2"], "--latency \"9-2\" must be MS or MS-MS"),
            (["--fault", "soap:503:0.5"], "--fault \"soap:503:0.5\" must be DIALECT:STATUS:P"),
            (["--fault", "nex:404:0.5"], "must be DIALECT:STATUS:P"),
            (["--port", "70000"], "--port 70000 is not a port"),
        ] {
            let r = try box.run(["serve", "--db", box.db] + args)
            #expect(r.status == 2, "\(args)")
            #expect(r.err.contains(message), "\(r.err)")
        }
    }

    @Test(.enabled(if: curlAvailable, "curl is not installed"))
    func aPortInUseIsOneClearLine() throws {
        let box = try Sandbox()
        #expect(try box.run(["demo", "--db", box.db]).status == 0)
        let server = try Server(box)
        let port = String(server.base.split(separator: ":").last!)
        let second = try box.run(["serve", "--db", box.db, "--port", port])
        #expect(second.status == 1)
        #expect(second.err.contains("cannot listen on 127.0.0.1:\(port): the port is in use"), "\(second.err)")
        #expect(second.err.split(separator: "\n").count == 1)
    }
}
