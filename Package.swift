// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tapedeck",
    products: [
        .library(name: "TapeCore", targets: ["TapeCore"]),
        .library(name: "Venues", targets: ["Venues"]),
    ],
    targets: [
        // Timestamps, frames, directions, connection ids: the vocabulary every other target speaks.
        .target(name: "TapeCore"),
        .testTarget(name: "TapeCoreTests", dependencies: ["TapeCore"]),
        // Venue clients: sans-IO codecs and account state machines, one folder per venue.
        .target(name: "Venues", dependencies: ["TapeCore"]),
        .testTarget(name: "VenuesTests", dependencies: ["Venues", "TapeCore"]),
    ]
)
