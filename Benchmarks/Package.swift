// swift-tools-version:6.1
import PackageDescription

// Kept apart from the main package so benchmarks never slow the test build; run with tools/bench.
let package = Package(
    name: "TapedeckBenchmarks",
    dependencies: [
        .package(name: "Tapedeck", path: ".."),
        // The event loops simbench runs its server and client on (already a dependency of Tapedeck).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Timing, memory and shell helpers every benchmark uses.
        .target(name: "BenchSupport"),
        // zlib for the baseline loop (the main package's CZlib is not a product).
        .systemLibrary(name: "BenchZlib", providers: [.apt(["zlib1g-dev"])]),
        // Import throughput against a read-the-bytes baseline measured in the same run.
        .executableTarget(
            name: "InteropThroughput",
            dependencies: [.product(name: "Interop", package: "Tapedeck"), .product(name: "TapeFormat", package: "Tapedeck")]
        ),
        // Order events per second through the exchange core, against a no-exchange baseline.
        .executableTarget(
            name: "exchangebench",
            dependencies: [.product(name: "Exchange", package: "Tapedeck"), .product(name: "TapeCore", package: "Tapedeck")]
        ),
        // Added latency and sustained throughput of the recording proxy, against direct connections.
        .executableTarget(
            name: "proxybench",
            dependencies: [
                "BenchSupport",
                .product(name: "TapeNet", package: "Tapedeck"),
                .product(name: "TapeFormat", package: "Tapedeck"),
            ]
        ),
        // Frames per second through each venue client beside the tape's raw read rate, in one run.
        .executableTarget(
            name: "venuebench",
            dependencies: ["BenchSupport", .product(name: "Venues", package: "Tapedeck"), .product(name: "TapeFormat", package: "Tapedeck")]
        ),
        // Digitex simulator frames per second to one client, against the exchange core in the same run.
        .executableTarget(
            name: "simbench",
            dependencies: [
                .product(name: "Simulators", package: "Tapedeck"), .product(name: "TapeNet", package: "Tapedeck"),
                .product(name: "Exchange", package: "Tapedeck"), .product(name: "TapeCore", package: "Tapedeck"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Notional simulator steps per second with watched self-trading accounts, against the bare generator.
        .executableTarget(
            name: "notionalsimbench",
            dependencies: [
                "BenchSupport", .product(name: "Simulators", package: "Tapedeck"), .product(name: "Exchange", package: "Tapedeck"),
                .product(name: "TapeCore", package: "Tapedeck"),
            ]
        ),
        // Frames per second `tape serve` delivers to one client, against the raw read rate of the tape.
        .executableTarget(
            name: "servebench",
            dependencies: [
                "BenchSupport",
                .product(name: "TapeNet", package: "Tapedeck"),
                .product(name: "Serving", package: "Tapedeck"),
                .product(name: "TapeFormat", package: "Tapedeck"),
                .product(name: "TapeCore", package: "Tapedeck"),
                .product(name: "Samples", package: "Tapedeck"),
            ]
        ),
        // Replay frames/s per venue against the raw read rate of the same tape; step go-to-frame; peak memory.
        .executableTarget(
            name: "replaybench",
            dependencies: [
                "BenchSupport",
                .product(name: "Replay", package: "Tapedeck"),
                .product(name: "TapeFormat", package: "Tapedeck"),
                .product(name: "TapeCore", package: "Tapedeck"),
                .product(name: "Samples", package: "Tapedeck"),
                .product(name: "Simulators", package: "Tapedeck"),
            ]
        ),
        .executableTarget(
            name: "tapebench",
            dependencies: [
                "BenchSupport",
                "BenchZlib",
                .product(name: "TapeFormat", package: "Tapedeck"),
                .product(name: "Samples", package: "Tapedeck"),
            ]
        ),
    ]
)
