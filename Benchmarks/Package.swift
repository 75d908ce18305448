// swift-tools-version:6.1
import PackageDescription

// Benchmarks live apart from the main package so they never slow its build or tests.
let package = Package(
    name: "TapedeckBenchmarks",
    dependencies: [.package(path: "..")],
    targets: [
        // Import throughput against a read-the-bytes baseline measured in the same run.
        .executableTarget(
            name: "InteropThroughput",
            dependencies: [.product(name: "Interop", package: "wt-interop")]
        ),
    ]
)
