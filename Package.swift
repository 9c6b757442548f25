// swift-tools-version:6.0
import PackageDescription

/// The write path's targets skip Swift's run-time exclusivity checks in release builds: every read of a class
/// member (a record's box, a statement's buffers) called into the runtime, 3% of an import's instructions
/// (README › Benchmark). Debug builds, which the tests run, keep the checks.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// The executables allocate with jemalloc (Debian's libjemalloc-dev), linked statically, so the binary needs
/// no library at run time: an import allocates and frees millions of small JSON and record values across
/// three threads, and glibc's allocator took a sixth of its CPU; jemalloc made 1,000,000 creates 20% faster
/// and updates 6% (README › Benchmark). The tests keep the system allocator.
let allocator: [LinkerSetting] = [.linkedLibrary(":libjemalloc_pic.a", .when(platforms: [.linux]))]

let package = Package(
    name: "recdeck",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "recdeck", targets: ["recdeck"]),
        .executable(name: "recdeck-bench", targets: ["recdeck-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.9.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The domain: JSON, JSONPath, schemas, identifiers, upsert planning, merge. Pure, no I/O.
        .target(name: "RecordCore", swiftSettings: releaseSettings),
        // Persistence over SQLite (GRDB). Fetches candidates, applies decided plans in one transaction.
        .target(
            name: "RecordStore",
            dependencies: [
                "RecordCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ], swiftSettings: releaseSettings),
        // The team store (DESIGN §9) over PostgreSQL (postgres-nio): its own target, so SQLite-only work does not
        // compile it.
        .target(
            name: "RecordStorePostgres",
            dependencies: [
                "RecordCore", "RecordStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        // The sandbox server (DESIGN §8): adapts HTTP (Hummingbird 2) to the one exchange; decides nothing.
        .target(
            name: "RecordServer",
            dependencies: [
                "RecordCore", "RecordStore",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        // Cell buffer, styles, keys, display width. No C.
        .target(name: "TerminalScreen"),
        // Screens: state + handle(key) + render(into:). No C, no I/O.
        .target(name: "RecordTUI", dependencies: ["TerminalScreen", "RecordCore"]),
        // The only importer of ncursesw.
        .systemLibrary(
            name: "CNcursesW",
            providers: [.apt(["libncursesw5-dev"])]),
        .target(name: "CursesBackend", dependencies: ["CNcursesW", "TerminalScreen"]),
        // The command line: one subcommand per file.
        .target(
            name: "RecDeckCommands",
            dependencies: [
                "RecordCore", "RecordStore", "RecordStorePostgres", "RecordTUI", "CursesBackend", "TerminalScreen",
                "RecordServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            // Built into the binary, so a copied or installed `recdeck` keeps its themes and nicknames.
            resources: [
                .embedInCode("themes/dark.toml"), .embedInCode("themes/light.toml"),
                .embedInCode("themes/high-contrast.toml"), .embedInCode("themes/mono.toml"),
                .embedInCode("nicknames.txt"),
            ]),
        .executableTarget(name: "recdeck", dependencies: ["RecDeckCommands"], linkerSettings: allocator),
        .executableTarget(
            name: "recdeck-bench",
            dependencies: [
                "RecordCore", "RecordStore", "RecordStorePostgres", "RecDeckCommands", "RecordTUI", "TerminalScreen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], linkerSettings: allocator),
        .target(name: "TestSupport", dependencies: ["RecordCore"], path: "Tests/TestSupport"),
        .testTarget(
            name: "RecordCoreTests",
            dependencies: [
                "RecordCore", .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "RecordStoreTests",
            dependencies: [
                "RecordCore", "RecordStore", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        // Both stores under one suite: the exchange, the conformance scenarios, concurrency (PostgreSQL tests need
        // RECDECK_TEST_PG; without it they say they were skipped).
        .testTarget(
            name: "TeamStoreTests",
            dependencies: ["RecordCore", "RecordStore", "RecordStorePostgres", "TestSupport"]),
        .testTarget(
            name: "RecDeckCommandsTests",
            dependencies: [
                "RecDeckCommands", "RecordStore", "RecordCore", "TerminalScreen", "TestSupport",
                .product(name: "CSV", package: "CSV.swift"),
            ]),
        .testTarget(
            name: "RecordTUITests",
            dependencies: [
                "RecordTUI", "TerminalScreen", "RecDeckCommands", "RecordStore", "RecordCore", "TestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
