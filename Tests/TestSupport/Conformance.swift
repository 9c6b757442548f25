import Foundation
import RecordCore
import Testing

/// One scenario of one conformance file.
public struct ConformanceCase: Sendable, CustomTestStringConvertible {
    public let file: String
    public let index: Int
    public let name: String
    public var testDescription: String { "\(file) #\(index + 1): \(name)" }
}

public enum Conformance {
    /// `../shared/conformance` beside the package root (or `$RECDECK_CONFORMANCE`).
    public static var folder: URL {
        if let env = ProcessInfo.processInfo.environment["RECDECK_CONFORMANCE"] { return URL(fileURLWithPath: env) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    }

    public static func files() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }

    public static func load(_ url: URL) throws -> [Scenario] {
        try Scenario.loadFile(JSONValue.parse(Data(contentsOf: url)), file: url.lastPathComponent)
    }

    public static func cases(prefix: String) -> [ConformanceCase] {
        files().filter { $0.lastPathComponent.hasPrefix(prefix) }.flatMap { url in
            ((try? load(url)) ?? []).enumerated().map {
                ConformanceCase(file: url.lastPathComponent, index: $0.offset, name: $0.element.name)
            }
        }
    }
}
