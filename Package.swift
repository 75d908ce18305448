// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tapedeck",
    products: [
        .library(name: "TapeCore", targets: ["TapeCore"]),
    ],
    targets: [
        // Timestamps, frames, directions, connection ids: the vocabulary every other target speaks.
        .target(name: "TapeCore"),
        .testTarget(name: "TapeCoreTests", dependencies: ["TapeCore"]),
    ]
)
