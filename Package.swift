// swift-tools-version:6.1
import PackageDescription

// One-way dependencies: TapeCore ← TapeFormat ← tape (CLI).
// Later layers (Venues, Exchange, Replay, Backtest, TapeNet, TapeTesting) join the same arrows.
let package = Package(
    name: "Tapedeck",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TapeCore", targets: ["TapeCore"]),
        .library(name: "TapeFormat", targets: ["TapeFormat"]),
        .library(name: "Samples", targets: ["Samples"]),
        .library(name: "Exchange", targets: ["Exchange"]),
        .executable(name: "tape", targets: ["tape"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
    ],
    targets: [
        // Timestamps, frames, directions, connection ids: the vocabulary every other target speaks.
        .target(name: "TapeCore"),
        // zlib, as the system provides it (zlib1g-dev on Debian).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The tape file: writer, reader, block index, recovery.
        .target(name: "TapeFormat", dependencies: ["TapeCore", "CZlib"]),
        // Deterministic synthetic sessions for the demo and the benchmarks.
        .target(name: "Samples", dependencies: ["TapeCore"]),
        // Matching engine, margin, fees, funding, liquidation, conditional orders and a seeded
        // market-data generator: no I/O, no clock; time comes in as an argument.
        .target(name: "Exchange", dependencies: ["TapeCore"]),
        // Order events per second through the exchange core, printed; run in release.
        .executableTarget(name: "exchangebench", dependencies: ["Exchange", "TapeCore"]),
        // The command line; each subcommand's run() stays short and calls a library.
        .executableTarget(
            name: "tape",
            dependencies: [
                "TapeCore", "TapeFormat", "Samples",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TapeCoreTests", dependencies: ["TapeCore"]),
        .testTarget(name: "TapeFormatTests", dependencies: ["TapeFormat"]),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange", "TapeCore"]),
        // Runs the built `tape` executable as a user would; depends on it so it is built first.
        .testTarget(name: "TapeCLITests", dependencies: ["tape"]),
    ]
)
