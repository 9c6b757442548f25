import Foundation
import RecordCore
import RecordStore
import Testing

/// One scenario of one conformance file.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let file: String
    let index: Int
    let name: String
    var testDescription: String { "\(file) #\(index + 1): \(name)" }
}

enum Conformance {
    /// `../shared/conformance` beside the package root (or `$RECDECK_CONFORMANCE`).
    static var folder: URL {
        if let env = ProcessInfo.processInfo.environment["RECDECK_CONFORMANCE"] { return URL(fileURLWithPath: env) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    }

    static func files() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }

    static func load(_ url: URL) throws -> [Scenario] {
        try Scenario.loadFile(JSONValue.parse(Data(contentsOf: url)), file: url.lastPathComponent)
    }

    static func cases(prefix: String) -> [ConformanceCase] {
        files().filter { $0.lastPathComponent.hasPrefix(prefix) }.flatMap { url in
            ((try? load(url)) ?? []).enumerated().map {
                ConformanceCase(file: url.lastPathComponent, index: $0.offset, name: $0.element.name)
            }
        }
    }

    static func run(_ c: ConformanceCase) throws -> [ScenarioFailure] {
        let scenario = try load(folder.appendingPathComponent(c.file))[c.index]
        return try ScenarioRunner().run(scenario)
    }
}

@Suite("Conformance scenarios (../shared/conformance)")
struct ConformanceTests {
    @Test("the conformance folder exists and every file loads")
    func folderLoads() throws {
        let files = Conformance.files()
        try #require(
            !files.isEmpty, "no scenario files in \(Conformance.folder.path): is ../shared beside the package?")
        for f in files { _ = try Conformance.load(f) }
        #expect(files.contains { $0.lastPathComponent.hasPrefix("native-") })
        #expect(files.contains { $0.lastPathComponent.hasPrefix("dialect-") })
    }

    @Test("native scenario", arguments: Conformance.cases(prefix: "native-"))
    func native(_ c: ConformanceCase) throws {
        for f in try Conformance.run(c) { Issue.record("\(f)") }
    }

    @Test("dialect scenario", arguments: Conformance.cases(prefix: "dialect-"))
    func dialect(_ c: ConformanceCase) throws {
        for f in try Conformance.run(c) { Issue.record("\(f)") }
    }
}
