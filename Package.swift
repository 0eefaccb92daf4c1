// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // A dependency that shows in a public declaration must be imported `public`: a leak is a compile error.
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// `Scripts/fuzz.sh` builds (into .build-fuzz) a libFuzzer target per parser that faces untrusted
// input, with the library instrumented for coverage and AddressSanitizer. It sets VIGIE_FUZZ to the
// path of the toolchain's libFuzzer without `main` (libclang_rt.fuzzer_no_main): SwiftPM links an
// executable's entry point as `<target>_main`, which hands over to libFuzzer's driver. The flags go
// on those targets only: the template-embedding plugin's tool gets neither libFuzzer nor its `main`.
let fuzzRuntime = Context.environment["VIGIE_FUZZ"]
let fuzzing = fuzzRuntime != nil
let fuzzTargets = [
    "FuzzSTUN", "FuzzXMPP", "FuzzPrometheusText", "FuzzJitsiJSON", "FuzzWebhook", "FuzzURL", "FuzzSiteFile",
    "FuzzLogAnonymizer",
]
let fuzzerFlags = ["-sanitize=fuzzer,address"]
// The library each target exercises beyond the core (none of them needs NIO or a database).
let fuzzedLibrary = ["FuzzLogAnonymizer": "VigieLogs", "FuzzSiteFile": "VigieRender"]
let librarySettings: [SwiftSetting] = swiftSettings + (fuzzing ? [.unsafeFlags(fuzzerFlags)] : [])

// The version `vigie --version` prints: VIGIE_VERSION when Scripts/package.sh builds from `git describe`,
// otherwise the base version. It is defined for the one C file that returns it (CVigieBuild), so a new
// version recompiles that file and relinks, nothing else.
let baseVersion = "0.1.0"
let buildVersion = Context.environment["VIGIE_VERSION"] ?? baseVersion
precondition(
    !buildVersion.isEmpty && buildVersion.count <= 64
        && buildVersion.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".+~-".contains($0)) },
    "VIGIE_VERSION must be 1-64 letters, digits and .+~- (got \(buildVersion.debugDescription))"
)

let package = Package(
    name: "vigie",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigie", targets: ["vigie"]),
        .library(name: "VigieKit", targets: ["VigieCore", "VigieRender", "VigieLogs", "VigieKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
    ],
    targets: [
        // The layers, lightest first; each may use only those above it (see the README's "Code layout and architecture").
        // The core: the site model and its decoding, observations, the watchdog's state machine, the
        // incident model, report documents, check output and the pure codecs. No I/O, nothing heavier
        // than Yams.
        .target(
            name: "VigieCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                "CVigieBuild",
            ],
            swiftSettings: librarySettings
        ),
        // The bundle: templates (embedded at build time), escaping, and the descriptor-relative writer.
        .target(
            name: "VigieRender",
            dependencies: [
                "VigieCore",
                .product(name: "Mustache", package: "swift-mustache"),
                "CZlib",
                "CSystemShims",
            ],
            swiftSettings: librarySettings,
            plugins: [.plugin(name: "EmbedTemplates")]
        ),
        // Logs: the pseudonymiser, key store, purge and the streaming readers.
        .target(
            name: "VigieLogs",
            dependencies: [
                "VigieCore",
                .product(name: "Crypto", package: "swift-crypto"),
                "CSystemShims",
            ],
            swiftSettings: librarySettings
        ),
        // Everything that talks to the network, a database or a process: probes, collectors, the agent,
        // the incident stores and manager, the watchdog's executor, the daily report's builder.
        .target(
            name: "VigieKit",
            dependencies: [
                "VigieCore",
                "VigieLogs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
                "CSystemShims",
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CSystemShims", path: "Sources/CSystemShims"),
        .target(
            name: "CVigieBuild",
            path: "Sources/CVigieBuild",
            cSettings: [.define("VIGIE_VERSION", to: "\"\(buildVersion)\"")]
        ),
        .executableTarget(name: "embed-templates", swiftSettings: swiftSettings),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["embed-templates"]),
        .executableTarget(
            name: "vigie",
            dependencies: [
                "VigieCore",
                "VigieRender",
                "VigieLogs",
                "VigieKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The core's tests build without NIO, the databases or the HTTP server.
        .testTarget(
            name: "VigieCoreTests",
            dependencies: ["VigieCore", "VigieTestSupport"],
            swiftSettings: swiftSettings
        ),
        // What both test targets share: where the recorded fixtures are.
        .target(name: "VigieTestSupport", path: "Tests/VigieTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "VigieKitTests",
            dependencies: [
                "VigieCore",
                "VigieRender",
                "VigieLogs",
                "VigieKit",
                "VigieTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

if fuzzing {
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/FuzzDriver", swiftSettings: swiftSettings))
    for name in fuzzTargets {
        let library: Target.Dependency = .target(name: fuzzedLibrary[name] ?? "VigieCore")
        let linker: [LinkerSetting] = [
            .unsafeFlags(["-sanitize=address", fuzzRuntime ?? ""]), .linkedLibrary("stdc++"),
        ]
        package.targets.append(
            .executableTarget(
                name: name,
                dependencies: [library, "FuzzDriver"],
                path: "Fuzz/\(name)",
                swiftSettings: swiftSettings + [.unsafeFlags(fuzzerFlags + ["-parse-as-library"])],
                // libFuzzer is C++: the core links no C++ of its own, so its runtime is named.
                linkerSettings: linker
            )
        )
    }
}
