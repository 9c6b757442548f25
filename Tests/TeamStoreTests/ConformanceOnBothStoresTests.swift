import Foundation
import RecordCore
import RecordStore
import TestSupport
import Testing

/// Every conformance scenario on both stores (`../shared/conformance`).
@Suite("Conformance scenarios on both stores")
struct ConformanceOnBothStoresTests {
    @Test("the conformance folder exists and every file loads")
    func folderLoads() throws {
        let files = Conformance.files()
        try #require(
            !files.isEmpty, "no scenario files in \(Conformance.folder.path): is ../shared beside the package?")
        for f in files { _ = try Conformance.load(f) }
        #expect(files.contains { $0.lastPathComponent.hasPrefix("native-") })
        #expect(files.contains { $0.lastPathComponent.hasPrefix("dialect-") })
    }

    static let cases = Conformance.cases(prefix: "")

    @Test("scenario", arguments: StoreKind.allCases, cases)
    func scenario(_ kind: StoreKind, _ c: ConformanceCase) throws {
        let scenario = try Conformance.load(Conformance.folder.appendingPathComponent(c.file))[c.index]
        try FreshStore.with(kind) { store in
            for f in try ScenarioRunner().run(scenario, in: store) { Issue.record("\(kind): \(f)") }
        }
    }
}
