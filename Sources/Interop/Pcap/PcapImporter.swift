import TapeCore

/// Imports pcap and pcapng captures of plain `ws://` traffic: packets → TCP segments → one
/// `TCPConnectionTracker` per TCP connection → frames on the tape's time line.
///
/// Each TCP connection that completes (or attempts) a WebSocket handshake becomes one connection,
/// numbered in order of its first packet. Frames take the capture time of the packet that completed
/// them (for a fragmented message: its last fragment). Everything not imported is in the notes.
struct PcapImporter {
    func run(_ bytes: [UInt8]) throws -> ImportedCapture {
        try bytes.withUnsafeBufferPointer { buffer in
            if var reader = PcapReader(buffer) {
                return importPackets(buffer, next: { reader.next($0) }, finish: { (reader.stop, []) })
            }
            if var reader = PcapngReader(buffer) {
                return importPackets(buffer, next: { reader.next($0) }, finish: { (reader.stop, reader.problems) })
            }
            throw InteropError(.wrongFormat, byteOffset: 0, "not a pcap or pcapng file (no magic number at offset 0): at offset 0; check the file, or pass the right format")
        }
    }

    private struct StreamKey: Hashable {
        var low: TCPEndpoint
        var high: TCPEndpoint

        init(_ a: TCPEndpoint, _ b: TCPEndpoint) {
            (low, high) = a < b ? (a, b) : (b, a)
        }
    }

    private func importPackets(
        _ buffer: UnsafeBufferPointer<UInt8>,
        next: (UnsafeBufferPointer<UInt8>) -> CapturedPacket?,
        finish: () -> (CaptureFileStop?, [(packetNumber: Int, reason: String)])
    ) -> ImportedCapture {
        var timeline = Timeline()
        var trackers: [TCPConnectionTracker] = []
        var trackerIndex: [StreamKey: Int] = [:]
        var unknownLinkTypes: [UInt32: (first: Int, count: Int)] = [:]
        var skipped: [String: (first: Int, count: Int)] = [:]
        var skippedOrder: [String] = []

        func apply(_ actions: [TCPConnectionTracker.Action], tracker index: Int, packet: CapturedPacket) {
            for action in actions {
                switch action {
                case let .emit(direction, kind, payload):
                    // Provisional connection id = tracker index; renumbered densely at the end.
                    timeline.append(
                        at: packet.unixNanoseconds, direction, connection: ConnectionID(UInt32(index)),
                        kind: kind, payload: payload, packetNumber: packet.number
                    )
                case let .note(kind, message):
                    timeline.note(ImportNote(
                        kind, packetNumber: packet.number, stream: trackers[index].streamName(),
                        connection: ConnectionID(UInt32(index)), message: message
                    ))
                }
            }
        }

        var lastPacket: CapturedPacket?
        while let packet = next(buffer) {
            lastPacket = packet
            switch PacketDecoder.decode(buffer, packet) {
            case let .unknownLinkType(type):
                let seen = unknownLinkTypes[type] ?? (packet.number, 0)
                unknownLinkTypes[type] = (seen.first, seen.count + 1)
            case let .skipped(reason):
                if skipped[reason] == nil { skippedOrder.append(reason) }
                let seen = skipped[reason] ?? (packet.number, 0)
                skipped[reason] = (seen.first, seen.count + 1)
            case let .segment(segment):
                let key = StreamKey(segment.source, segment.destination)
                let index: Int
                if let known = trackerIndex[key] {
                    index = known
                } else {
                    index = trackers.count
                    trackerIndex[key] = index
                    trackers.append(TCPConnectionTracker(firstPacketNumber: packet.number, first: segment))
                }
                if segment.missingPayloadBytes > 0 {
                    timeline.note(ImportNote(
                        .missingData, packetNumber: packet.number, stream: trackers[index].streamName(segment),
                        message: "\(segment.missingPayloadBytes) TCP payload bytes were not captured (snapshot length)"
                    ))
                }
                let actions = trackers[index].received(segment, payload: UnsafeBufferPointer(rebasing: buffer[segment.payload]))
                apply(actions, tracker: index, packet: packet)
            }
        }
        let (stop, packetProblems) = finish()
        for problem in packetProblems {
            timeline.note(ImportNote(.skippedPacket, packetNumber: problem.packetNumber, message: problem.reason))
        }
        if let stop {
            timeline.note(ImportNote(
                .truncated, byteOffset: stop.byteOffset, packetNumber: stop.packetNumber,
                message: "\(stop.reason): the capture is cut short; imported the packets before it"
            ))
        }
        let endPacket = lastPacket ?? CapturedPacket(number: 0, unixNanoseconds: 0, linkType: 0, data: 0..<0, originalLength: 0)
        for index in trackers.indices {
            apply(trackers[index].captureEnded(), tracker: index, packet: endPacket)
        }
        for type in unknownLinkTypes.keys.sorted() {
            let seen = unknownLinkTypes[type]!
            timeline.note(ImportNote(.skippedPacket, packetNumber: seen.first, message: "link type \(type) is not supported; \(seen.count) packets skipped (first listed)"))
        }
        for reason in skippedOrder {
            let seen = skipped[reason]!
            timeline.note(ImportNote(.skippedPacket, packetNumber: seen.first, message: "\(reason); \(seen.count) packets skipped (first listed)"))
        }
        return renumbered(timeline, trackers)
    }

    /// Gives the WebSocket connections dense ids 0, 1, … in order of their first packet.
    private func renumbered(_ timeline: Timeline, _ trackers: [TCPConnectionTracker]) -> ImportedCapture {
        var dense: [Int: UInt32] = [:]
        var endpoints: [String] = []
        for (index, tracker) in trackers.enumerated() where tracker.isWebSocket {
            dense[index] = UInt32(endpoints.count)
            endpoints.append(tracker.url ?? "")
        }
        let frames = timeline.frames.map { frame in
            var frame = frame
            frame.connection = ConnectionID(dense[Int(frame.connection.rawValue)] ?? UInt32.max)
            return frame
        }
        let notes = timeline.notes.map { note in
            var note = note
            note.connection = note.connection.flatMap { dense[Int($0.rawValue)] }.map(ConnectionID.init)
            return note
        }
        return ImportedCapture(frames: frames, wallClockStartNanoseconds: timeline.origin, endpoints: endpoints, notes: notes)
    }
}
