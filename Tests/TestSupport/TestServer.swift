import Foundation
import Testing

/// The PostgreSQL server the tests use: `RECDECK_TEST_PG` (a `postgres://` URL). Without it, PostgreSQL tests say
/// they were skipped; with `RECDECK_REQUIRE_PG=1` (CI) a missing server fails instead.
public enum TestServer {
    static let environment = ProcessInfo.processInfo.environment
    public static let url = environment["RECDECK_TEST_PG"].flatMap { $0.isEmpty ? nil : $0 }
    public static let required = environment["RECDECK_REQUIRE_PG"] == "1"
    public static var available: Bool { url != nil }
    public static let skipNote: Comment =
        "PostgreSQL skipped: set RECDECK_TEST_PG=postgres://user:password@host:port/database (CI always does)"

    /// A schema name no other test uses.
    public static func freshSchemaName() -> String {
        "recdeck_test_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The server's URL naming `schema`.
    public static func url(schema: String) -> String? {
        url.map { $0 + ($0.contains("?") ? "&" : "?") + "schema=" + schema }
    }
}
