// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tapedeck",
    products: [
        .library(name: "TapeCore", targets: ["TapeCore"]),
        .library(name: "Interop", targets: ["Interop"]),
    ],
    targets: [
        // Timestamps, frames, directions, connection ids: the vocabulary every other target speaks.
        .target(name: "TapeCore"),
        .testTarget(name: "TapeCoreTests", dependencies: ["TapeCore"]),
        // zlib, for gzip input (and, on main, the tape format).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Importers of foreign captures: hftbacktest, cryptofeed raw, pcap/pcapng of ws:// traffic.
        .target(name: "Interop", dependencies: ["TapeCore", "CZlib"]),
        .testTarget(name: "InteropTests", dependencies: ["Interop", "TapeCore", "CZlib"]),
    ]
)
