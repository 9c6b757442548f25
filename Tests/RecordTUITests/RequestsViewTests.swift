import Foundation
import RecordCore
import RecordStore
import RecordTUI
import Testing

/// The Requests view (`:requests`): the sandbox server's journal, growing as requests are journaled (the
/// view polls on `tick`), coloured by status and decision, with the detail, the composer and the resolver.
@Suite struct RequestsViewTests {
    /// Serves native requests as `recdeck serve` does (group commit, journaled), at the harness's fixed time.
    static func serve(_ h: Harness, _ bodies: [String]) throws {
        let requests = bodies.map { body in
            ServedRequest(
                exchange: Exchange(Dialects.named("native")!, type: "contacts", query: [], bytes: Array(body.utf8))
            ) { outcome in
                JournalEntry(
                    at: Harness.clock(), dialect: "native", method: "POST", path: "/types/contacts/upsert", query: "",
                    headers: ["Authorization": "[redacted]", "Content-Type": "application/json"], body: body,
                    status: outcome.response.status, response: outcome.response.body.jsonText,
                    decision: outcome.plans.first?.decision.rawValue, recordID: outcome.plans.first?.record?.id,
                    processID: nil, milliseconds: 1.5)
            }
        }
        _ = try h.store.serve(requests, source: WriteSource("serve"))
    }

    static let create = #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"NEW9","email":"n9@x.io"}}"#
    /// C00031 is archived in the demo: prompt mode parks a conflict.
    static let conflict = #"{"lookup":{"identifier":"contact_id"},"data":{"contact_id":"C00031","title":"Back"}}"#

    @Test func theJournalGrowsLiveWithStatusAndDecisionColoured() throws {
        let h = try Harness(width: 100, height: 10)
        h.press(":requests<enter>")
        #expect(h.text.contains("No requests yet. Start the sandbox on this store:"))
        #expect(h.statusBar.hasPrefix("waiting for requests"))
        try Self.serve(h, [Self.create, Self.conflict, #"{"data": nope}"#])
        // Nothing is pressed: the UI loop's tick brings the new requests in.
        #expect(h.app.isBusy)
        #expect(h.app.tick())
        let screen = h.screen()
        #expect(
            Array(screen[1...4]) == [
                "|    ID TIME     DIALECT  METHOD  ST DECISION       MS PATH                                          |",
                "|     1 14:13:20 native   POST   201 create        1.5 /types/contacts/upsert                        |",
                "|     2 14:13:20 native   POST   409 conflict      1.5 /types/contacts/upsert  · conflict #4 pending |",
                "|>    3 14:13:20 native   POST   400 invalid       1.5 /types/contacts/upsert                        |",
            ])
        let roles = h.roles()
        // The status: ok for 2xx, a warning for 4xx; the decision in its badge colour; the last row selected.
        #expect(roles[2].dropFirst(33).prefix(3) == "ooo" && roles[2].dropFirst(37).prefix(6) == "111111")
        #expect(roles[3].dropFirst(33).prefix(3) == "WWW" && roles[3].dropFirst(37).prefix(8) == "44444444")
        #expect(roles[4].dropFirst(1).prefix(90).allSatisfy { $0 == "S" })
        #expect(h.statusBar.hasPrefix("3/3 · following new requests"))
        // Another request: the selection on the last row follows it; off the last row it stays.
        try Self.serve(h, [Self.create])
        #expect(h.app.tick())
        #expect(h.statusBar.hasPrefix("4/4 · following"))
        h.press("k")
        try Self.serve(h, [Self.create])
        h.app.tick()
        #expect(h.statusBar.hasPrefix("3/5 "))
        #expect(!h.app.tick())
    }

    @Test func enterShowsTheRequestPlanAndResponseAndRResolvesItsConflict() throws {
        let h = try Harness(width: 120, height: 40)
        try Self.serve(h, [Self.conflict])
        h.press(":requests<enter><enter>")
        let detail = h.text
        #expect(detail.contains("POST /types/contacts/upsert  → 409"))
        #expect(detail.contains("Authorization: [redacted]"))
        #expect(detail.contains(#""contact_id": "C00031","#))
        #expect(detail.contains("conflict #4 parked in the queue — r resolves it"))
        #expect(detail.contains(" CONFLICT "))
        // r: the resolver on that conflict; unarchive + update, confirmed.
        h.press("r")
        #expect(h.screen()[0].contains("conflict 1 of 1"))
        h.press("2<enter>y")
        #expect(h.app.top is RequestDetailView)
        #expect(h.text.contains("conflict #4 resolved: unarchive_update"))
        #expect(try h.contact("C00031").data["title"] == "Back")
        #expect(try !h.contact("C00031").archived)
        h.press("r")
        #expect(h.statusBar.contains("conflict #4 is already resolved: unarchive_update"))
        // The list shows it too.
        h.press("<esc>")
        #expect(h.text.contains("· conflict #4 resolved: unarchive_update"))
    }

    @Test func pReplaysTheRequestInTheComposerInItsDialect() throws {
        let h = try Harness(width: 120, height: 36)
        try Self.serve(h, [Self.create])
        h.press(":requests<enter>p")
        let composer = try #require(h.app.top as? ComposerView)
        #expect(composer.dialect.name == "native" && composer.typeKey == "contacts")
        #expect(composer.editor.text.contains(#""contact_id": "NEW9""#))
        // Planned against the state as it is now: the record exists, so the same request is unchanged.
        #expect(h.text.contains(" UNCHANGED "))
    }

    @Test func theTypeOfEveryDialectsPathIsReadFromItsEndpoint() {
        let paths = [
            ("voxworks", "/api/v1/upsert-object", nil), ("kizen", "/api/records/deals/upsert", "deals"),
            ("nex", "/api/developers/v1/objects/people", "people"),
            ("zendesk", "/api/v2/custom_objects/car/records", "car"), ("bulk", "/objects/cars/batch/upsert", "cars"),
            ("native", "/types/contacts/upsert", "contacts"),
        ]
        for (dialect, path, type) in paths {
            #expect(Dialects.named(dialect)!.typeKey(inPath: path) == type, "\(dialect)")
        }
    }
}

extension RequestsViewTests {
    /// Found by using it: a journaled query string is percent-encoded as it came over the wire; the composer
    /// replayed it raw, so `name=GLOBEX%20INDUSTRIES` matched nothing and previewed a create.
    @Test func aReplayedQueryStringIsDecoded() throws {
        let h = try Harness(width: 120, height: 36)
        let body = #"{"custom_object_record":{"custom_object_fields":{"size":250}}}"#
        try h.store.appendRequest(
            JournalEntry(
                at: Harness.clock(), dialect: "zendesk", method: "PATCH",
                path: "/api/v2/custom_objects/companies/records", query: "name=GLOBEX%20INDUSTRIES&x=a+b%26c",
                headers: [:], body: body, status: 200, response: "{}", decision: "update", recordID: nil,
                processID: nil, milliseconds: 1))
        h.press(":requests<enter>p")
        let composer = try #require(h.app.top as? ComposerView)
        #expect(composer.dialect.name == "zendesk" && composer.typeKey == "companies")
        #expect(composer.queryText == "name=GLOBEX INDUSTRIES&x=a b%26c")
        #expect(h.text.contains(" UPDATE "))
    }
}
