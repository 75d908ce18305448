import Foundation
@testable import Replay
import Samples
import TapeCore
import Testing
import Venues

@Suite("Digest on its own thread")
struct BackgroundDigestTests {
    /// The events and final state of the QFEX simulator session, replayed without a digest.
    private func qfexSession() throws -> (events: [ReplayEvent], state: ReplayState) {
        let folder = try ScratchFolder()
        let recording = SimulatorSessions.qfex()
        let path = folder.path("qfex.tape")
        try writeTape(recording, to: path)
        var events: [ReplayEvent] = []
        let result = try Replayer.run(tape: path, digest: false) { events.append($0) }
        return (events, result.state)
    }

    @Test("it gives the inline digest, over no events, a few, and more than its queue holds")
    func sameAsInline() throws {
        let (events, state) = try qfexSession()
        #expect(events.count > 100)
        let many = (0..<30_000).map { index in
            var event = events[index % events.count]
            event.sequence = index
            return event
        }
        #expect(many.count > BackgroundDigest.batchSize * BackgroundDigest.maxQueuedBatches)
        for stream in [[], Array(events.prefix(3)), events, many] {
            var inline = ReplayDigest()
            for event in stream { inline.add(event: event) }
            let background = BackgroundDigest()
            for event in stream { background.add(event) }
            #expect(background.finish(state: state) == inline.finish(state: state), "\(stream.count) events")
        }
    }
}
