import Foundation
import Testing

@testable import RecordCore

/// `Record` keeps its members in a shared copy-on-write box: a copy must still behave as an independent value.
@Suite struct RecordValueTests {
    let base = Record(
        id: "r1", type: "contacts", name: "Ada", data: ["email": "ada@example.com", "tags": ["a"]],
        createdAt: Date(timeIntervalSince1970: 0))

    @Test func changingACopyLeavesTheOriginal() {
        var copy = base
        copy.name = "Grace"
        copy.version += 1
        copy.data = ["email": "grace@example.com"]
        copy.associations.append("r2")
        copy.archived = true
        #expect(base.name == "Ada")
        #expect(base.version == 1)
        #expect(base.data["email"] == "ada@example.com")
        #expect(base.associations.isEmpty)
        #expect(!base.archived)
        #expect(copy.name == "Grace" && copy.version == 2 && copy.associations == ["r2"] && copy.archived)
    }

    @Test func equalityComparesEveryMember() {
        #expect(base == base)
        var same = base
        same.name = "Ada"
        #expect(same == base)
        let changes: [(inout Record) -> Void] = [
            { $0.id = "r2" }, { $0.type = "companies" }, { $0.name = nil }, { $0.externalID = "x" },
            { $0.data = [:] }, { $0.parentID = "p" }, { $0.archived = true },
            { $0.archivedAt = Date(timeIntervalSince1970: 1) }, { $0.version = 2 },
            { $0.createdAt = Date(timeIntervalSince1970: 2) }, { $0.updatedAt = Date(timeIntervalSince1970: 3) },
            { $0.associations = ["r3"] }, { $0.mergedInto = "r4" },
        ]
        for change in changes {
            var other = base
            change(&other)
            #expect(other != base)
        }
    }
}
