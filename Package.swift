// swift-tools-version:6.1
import PackageDescription

// One-way dependencies: TapeCore ← WebSocketWire, TapeFormat, Interop, Exchange ← TapeNet ← tape (CLI).
// Later layers (Venues, Exchange, Replay, Backtest, TapeNet, TapeTesting) join the same arrows.
let package = Package(
    name: "Tapedeck",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TapeCore", targets: ["TapeCore"]),
        .library(name: "TapeFormat", targets: ["TapeFormat"]),
        .library(name: "Venues", targets: ["Venues"]),
        .library(name: "Interop", targets: ["Interop"]),
        .library(name: "Samples", targets: ["Samples"]),
        .library(name: "Exchange", targets: ["Exchange"]),
        .library(name: "Simulators", targets: ["Simulators"]),
        .library(name: "Serving", targets: ["Serving"]),
        .library(name: "TapeNet", targets: ["TapeNet"]),
        .library(name: "Replay", targets: ["Replay"]),
        .library(name: "TapeTesting", targets: ["TapeTesting"]),
        .executable(name: "tape", targets: ["tape"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Timestamps, frames, directions, connection ids: the vocabulary every other target speaks.
        .target(name: "TapeCore"),
        // zlib, as the system provides it (zlib1g-dev on Debian).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // libdeflate (libdeflate-dev): whole-buffer deflate that compresses blocks smaller than zlib.
        .systemLibrary(name: "CDeflate", providers: [.apt(["libdeflate-dev"])]),
        // CRC-32 by carry-less multiplication where the CPU has it (zlib's is the fallback).
        .target(name: "CFastCRC"),
        // SHA-256 rounds, with the CPU's SHA extensions where it has them (the replay digest).
        .target(name: "CSHA256"),
        // The tape file: writer, reader, block index, recovery.
        .target(name: "TapeFormat", dependencies: ["TapeCore", "CZlib", "CDeflate", "CFastCRC"]),
        // The WebSocket wire, pure: frame decoding, message assembly, permessage-deflate (RFC 7692).
        .target(name: "WebSocketWire", dependencies: ["TapeCore", "CZlib"]),
        // Importers of foreign captures: hftbacktest, cryptofeed raw, pcap/pcapng of ws:// traffic.
        .target(name: "Interop", dependencies: ["TapeCore", "CZlib", "WebSocketWire"]),
        // The only target that touches sockets: WebSocket client and server, TLS, the recording proxy.
        .target(
            name: "TapeNet",
            dependencies: [
                "TapeCore", "TapeFormat", "WebSocketWire", "Venues", "Simulators", "Serving",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Deterministic synthetic sessions for the demo and the benchmarks.
        .target(name: "Samples", dependencies: ["TapeCore", "Venues", "Exchange", "Simulators"]),
        // Venue clients: sans-IO codecs and account state machines, one folder per venue.
        .target(name: "Venues", dependencies: ["TapeCore", "CSHA256"]),
        // Matching engine, margin, fees, funding, liquidation, conditional orders and a seeded
        // market-data generator: no I/O, no clock; time comes in as an argument.
        .target(name: "Exchange", dependencies: ["TapeCore"]),
        // Venue simulators: each venue's WebSocket dialect (sessions, auth, rate limits, channels)
        // over one shared Exchange and seeded market, without sockets or a clock.
        .target(name: "Simulators", dependencies: ["TapeCore", "Venues", "Exchange"]),
        // What a replay server plays and when, without sockets: per-connection scripts from a tape,
        // the session state machine (pacing, cassette expectations) and the frame matching rules.
        .target(name: "Serving", dependencies: ["TapeCore", "TapeFormat", "Venues"]),
        // Replay engine on the virtual clock, verify and the step debugger: tape → venue clients →
        // events, state and a digest. No I/O but reading tapes; no wall clock.
        .target(name: "Replay", dependencies: ["TapeCore", "TapeFormat", "Venues"]),
        // Helpers for users' test suites: open a recorded tape, replay it, assert on events and state.
        .target(name: "TapeTesting", dependencies: ["Replay", "TapeCore", "TapeFormat", "Venues"]),
        // The command line; each subcommand's run() stays short and calls a library.
        .executableTarget(
            name: "tape",
            dependencies: [
                "TapeCore", "TapeFormat", "Interop", "TapeNet", "Venues", "Samples", "Simulators", "Replay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "TapeCoreTests", dependencies: ["TapeCore"]),
        .testTarget(name: "TapeFormatTests", dependencies: ["TapeFormat", "Samples"]),
        .testTarget(name: "WebSocketWireTests", dependencies: ["WebSocketWire", "Samples"]),
        .testTarget(name: "InteropTests", dependencies: ["Interop", "TapeCore", "CZlib", "WebSocketWire", "Samples"]),
        .testTarget(name: "TapeNetTests", dependencies: ["TapeNet", "Samples", "Simulators", "Venues", "Exchange", "Replay"]),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange", "TapeCore"]),
        .testTarget(name: "VenuesTests", dependencies: ["Venues", "TapeCore", "CSHA256"]),
        .testTarget(name: "SimulatorsTests", dependencies: ["Simulators", "Venues", "Exchange", "TapeCore"]),
        .testTarget(name: "ServingTests", dependencies: ["Serving", "TapeCore", "TapeFormat"]),
        .testTarget(name: "ReplayTests", dependencies: ["Replay", "TapeTesting", "TapeCore", "TapeFormat", "Venues", "Samples"]),
        // Runs the built `tape` executable as a user would; depends on it so it is built first.
        .testTarget(name: "TapeCLITests", dependencies: ["tape", "TapeNet", "TapeFormat", "Samples"]),
        // Runs `tape serve` and connects to it over a real socket.
        .testTarget(name: "ServeCLITests", dependencies: ["tape", "TapeNet", "TapeFormat", "Samples"]),
    ]
)
