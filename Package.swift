// swift-tools-version:6.1
import PackageDescription

// One-way dependencies: TapeCore ← TapeFormat, Interop ← tape (CLI).
// Later layers (Venues, Exchange, Replay, Backtest, TapeNet, TapeTesting) join the same arrows.
let package = Package(
    name: "Tapedeck",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TapeCore", targets: ["TapeCore"]),
        .library(name: "TapeFormat", targets: ["TapeFormat"]),
        .library(name: "Interop", targets: ["Interop"]),
        .library(name: "Samples", targets: ["Samples"]),
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
        // The WebSocket wire, pure: frame decoding, message assembly, permessage-deflate (RFC 7692).
        .target(name: "WebSocketWire", dependencies: ["TapeCore", "CZlib"]),
        // Importers of foreign captures: hftbacktest, cryptofeed raw, pcap/pcapng of ws:// traffic.
        .target(name: "Interop", dependencies: ["TapeCore", "CZlib", "WebSocketWire"]),
        // Deterministic synthetic sessions for the demo and the benchmarks.
        .target(name: "Samples", dependencies: ["TapeCore"]),
        // The command line; each subcommand's run() stays short and calls a library.
        .executableTarget(
            name: "tape",
            dependencies: [
                "TapeCore", "TapeFormat", "Interop", "Samples",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TapeCoreTests", dependencies: ["TapeCore"]),
        .testTarget(name: "TapeFormatTests", dependencies: ["TapeFormat", "Samples"]),
        .testTarget(name: "WebSocketWireTests", dependencies: ["WebSocketWire", "Samples"]),
        .testTarget(name: "InteropTests", dependencies: ["Interop", "TapeCore", "CZlib", "WebSocketWire", "Samples"]),
        // Runs the built `tape` executable as a user would; depends on it so it is built first.
        .testTarget(name: "TapeCLITests", dependencies: ["tape"]),
    ]
)
