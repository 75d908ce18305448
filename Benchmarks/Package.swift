// swift-tools-version:6.1
import PackageDescription

// Kept apart from the main package so benchmarks never slow the test build; run with tools/bench.
let package = Package(
    name: "TapedeckBenchmarks",
    dependencies: [
        .package(name: "Tapedeck", path: ".."),
    ],
    targets: [
        // zlib for the baseline loop (the main package's CZlib is not a product).
        .systemLibrary(name: "BenchZlib", providers: [.apt(["zlib1g-dev"])]),
        // Import throughput against a read-the-bytes baseline measured in the same run.
        .executableTarget(
            name: "InteropThroughput",
            dependencies: [.product(name: "Interop", package: "Tapedeck")]
        ),
        // Order events per second through the exchange core, against a no-exchange baseline.
        .executableTarget(
            name: "exchangebench",
            dependencies: [.product(name: "Exchange", package: "Tapedeck"), .product(name: "TapeCore", package: "Tapedeck")]
        ),
        // Replay frames/s per venue against the raw read rate of the same tape; step go-to-frame; peak memory.
        .executableTarget(
            name: "replaybench",
            dependencies: [
                .product(name: "Replay", package: "Tapedeck"),
                .product(name: "TapeFormat", package: "Tapedeck"),
                .product(name: "TapeCore", package: "Tapedeck"),
                .product(name: "Samples", package: "Tapedeck"),
            ]
        ),
        .executableTarget(
            name: "tapebench",
            dependencies: [
                "BenchZlib",
                .product(name: "TapeFormat", package: "Tapedeck"),
                .product(name: "Samples", package: "Tapedeck"),
            ]
        ),
    ]
)
