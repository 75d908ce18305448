import TapeCore
import WebSocketWire

/// Follows one TCP connection from its first packet to its end: finds the WebSocket upgrade,
/// checks it, then decodes frames each way. Pure state machine: events in, actions out.
///
/// Decisions (the importer's output depends on them; `docs/INTEROP.md` repeats them for users):
/// - The client is the side that sent the SYN; without a captured SYN, the side whose first bytes
///   are an HTTP `GET` or a TLS record.
/// - A successful upgrade (101 with the right `Sec-WebSocket-Accept`) emits `opened` (outbound, at the
///   time of the 101's last packet) whose URL is `ws://<Host><request-target>` and whose headers are
///   the request's header lines, then the response's, as they were spelled.
/// - A failed upgrade (not 101, or a wrong `Sec-WebSocket-Accept`) emits one `error` frame (inbound)
///   saying why; a client must fail such a connection (RFC 6455 §4.1), so nothing after it is decoded
///   and the skipped byte counts go into a note.
/// - TLS, plain HTTP and other protocols are not imported: one note at the end with the byte counts.
/// - A malformed frame whose length is readable becomes an `error` frame and decoding goes on; a
///   frame whose length cannot be trusted (over the limit) ends decoding of that direction.
/// - permessage-deflate (RFC 7692), when the 101 accepts it, is undone: compressed messages are
///   imported inflated, as a client application would have received them; one that cannot be
///   inflated becomes an `error` frame.
/// - Both FINs in order → `closed`; an RST → `lost` (payload: who reset).
struct TCPConnectionTracker {
    enum Action {
        case emit(Direction, FrameKind, [UInt8])
        case note(ImportNote.Kind, String)
    }

    private enum Phase {
        case awaitingRequest
        case awaitingResponse(HTTPHead)
        case open
        case ignored(String)
        case ended
    }

    /// Limit on an HTTP upgrade head; a longer one is not a WebSocket handshake we import.
    static let maxHeadBytes = 64 << 10

    let firstPacketNumber: Int
    private(set) var client: TCPEndpoint?
    private(set) var server: TCPEndpoint?
    private(set) var url: String?
    private var phase = Phase.awaitingRequest
    private var toServer = TCPReassembler()
    private var toClient = TCPReassembler()
    private var requestBytes: [UInt8] = []
    private var responseBytes: [UInt8] = []
    private var decoders = [WebSocketFrameDecoder(), WebSocketFrameDecoder()]
    private var assemblers = [WebSocketMessageAssembler(), WebSocketMessageAssembler()]
    /// permessage-deflate inflaters per direction, when the server accepted the extension.
    private var inflaters: [PerMessageInflater?] = [nil, nil]
    private var abandoned = [false, false]
    private var skippedBytes = [0, 0]
    private var finished = [false, false]

    init(firstPacketNumber: Int, first segment: TCPSegment) {
        self.firstPacketNumber = firstPacketNumber
        if segment.syn {
            (client, server) = segment.ack ? (segment.destination, segment.source) : (segment.source, segment.destination)
        }
    }

    /// `client -> server`, or the two addresses in packet order while the roles are unknown.
    func streamName(_ segment: TCPSegment? = nil) -> String {
        if let client, let server { return "\(client) -> \(server)" }
        guard let segment else { return "?" }
        return "\(segment.source) -> \(segment.destination)"
    }

    /// True once the connection produced frames (it gets a ConnectionID).
    var isWebSocket: Bool { url != nil }

    mutating func received(_ segment: TCPSegment, payload: UnsafeBufferPointer<UInt8>) -> [Action] {
        if case .ended = phase { return [] }
        if client == nil {
            // Without a SYN the roles come from the first bytes; until then segments carry nothing to import.
            guard !payload.isEmpty else { return [] }
            let startsRequest = payload.starts(with: Array("GET ".utf8)) || payload.starts(with: [0x16, 0x03])
            (client, server) = startsRequest ? (segment.source, segment.destination) : (segment.destination, segment.source)
        }
        let fromClient = segment.source == client
        let side = fromClient ? 0 : 1
        var actions: [Action] = []
        if segment.rst {
            if isWebSocket, case .open = phase {
                actions.append(.emit(fromClient ? .outbound : .inbound, .lost, Array("TCP reset by the \(fromClient ? "client" : "server")".utf8)))
            }
            actions += endOfStreamNotes()
            phase = .ended
            return actions
        }
        let delivery: TCPReassembler.Delivery
        if fromClient {
            delivery = toServer.receive(sequenceNumber: segment.sequenceNumber, syn: segment.syn, fin: segment.fin, payload: payload)
        } else {
            delivery = toClient.receive(sequenceNumber: segment.sequenceNumber, syn: segment.syn, fin: segment.fin, payload: payload)
        }
        if delivery.gapBytes > 0 {
            actions += gap(side: side, bytes: delivery.gapBytes)
        }
        if !delivery.bytes.isEmpty {
            actions += bytes(delivery.bytes, side: side)
        }
        if delivery.finished {
            finished[side] = true
            if finished[0], finished[1] {
                if isWebSocket, case .open = phase {
                    actions.append(.emit(fromClient ? .outbound : .inbound, .closed, []))
                }
                actions += endOfStreamNotes()
                phase = .ended
            }
        }
        return actions
    }

    /// Notes for whatever is left unfinished when the capture ends.
    mutating func captureEnded() -> [Action] {
        if case .ended = phase { return [] }
        var actions = endOfStreamNotes()
        if isWebSocket, case .open = phase {
            actions.append(.note(.endedOpen, "the WebSocket connection was still open when the capture ended"))
        }
        phase = .ended
        return actions
    }

    private mutating func endOfStreamNotes() -> [Action] {
        var actions: [Action] = []
        switch phase {
        case let .ignored(reason):
            actions.append(.note(.notWebSocket, "\(reason); skipped \(skippedBytes[0]) bytes client→server and \(skippedBytes[1]) bytes server→client"))
        case .awaitingRequest where skippedBytes == [0, 0] && requestBytes.isEmpty:
            break
        case .awaitingRequest, .awaitingResponse:
            actions.append(.note(.truncated, "the stream ended inside the HTTP upgrade handshake (\(requestBytes.count) request and \(responseBytes.count) response bytes); nothing imported"))
        case .open:
            for side in 0..<2 where !abandoned[side] {
                let name = side == 0 ? "client→server" : "server→client"
                if decoders[side].bufferedByteCount > 0 {
                    actions.append(.note(.truncated, "the \(name) stream ends inside a WebSocket frame (\(decoders[side].bufferedByteCount) bytes buffered); that frame was not imported"))
                }
                if assemblers[side].hasOpenMessage {
                    actions.append(.note(.truncated, "the \(name) stream ends inside a fragmented message; its fragments were not imported"))
                }
            }
        case .ended:
            break
        }
        let waiting = (toServer.bytesWaitingBehindGap, toClient.bytesWaitingBehindGap)
        if waiting.0 + waiting.1 > 0 {
            actions.append(.note(.missingData, "segments missing from the capture: \(waiting.0) client→server and \(waiting.1) server→client bytes after the gaps were never delivered"))
        }
        return actions
    }

    private mutating func gap(side: Int, bytes: Int64) -> [Action] {
        let name = side == 0 ? "client→server" : "server→client"
        guard case .open = phase, !abandoned[side] else {
            return [.note(.missingData, "\(bytes) \(name) bytes missing from the capture")]
        }
        abandoned[side] = true
        let reason = "\(bytes) \(name) bytes are missing from the capture; WebSocket frames after the gap cannot be found, so this direction is not decoded further"
        return [.emit(side == 0 ? .outbound : .inbound, .error, Array(reason.utf8)), .note(.missingData, reason)]
    }

    private mutating func bytes(_ bytes: [UInt8], side: Int) -> [Action] {
        switch phase {
        case .ended:
            return []
        case .ignored:
            skippedBytes[side] += bytes.count
            return []
        case .awaitingRequest:
            if side == 1 {
                skippedBytes[1] += bytes.count
                phase = .ignored("the server sent data before any HTTP request: not a WebSocket connection")
                return []
            }
            requestBytes += bytes
            return requestProgress()
        case .awaitingResponse:
            if side == 0 {
                decoders[0].append(bytes) // sent before the 101: kept for decoding once open
                return []
            }
            responseBytes += bytes
            return responseProgress()
        case .open:
            return decode(bytes, side: side)
        }
    }

    private mutating func ignore(_ reason: String) {
        skippedBytes[0] += requestBytes.count + decoders[0].bufferedByteCount
        skippedBytes[1] += responseBytes.count
        requestBytes = []
        responseBytes = []
        phase = .ignored(reason)
    }

    private mutating func requestProgress() -> [Action] {
        if requestBytes.first == 0x16 {
            ignore("TLS (the client's first byte is a TLS handshake record): encrypted, cannot be decoded")
            return []
        }
        if !Array("GET ".utf8).starts(with: requestBytes.prefix(4)) {
            ignore("the client's first bytes are not an HTTP GET: not a WebSocket connection")
            return []
        }
        guard let end = HTTPHead.end(in: requestBytes) else {
            if requestBytes.count > Self.maxHeadBytes { ignore("no end of the HTTP request head within \(Self.maxHeadBytes) bytes") }
            return []
        }
        guard let head = HTTPHead(requestBytes[..<(end - 2)]), head.lists("Upgrade", "websocket") else {
            ignore("an HTTP request without 'Upgrade: websocket' (plain HTTP)")
            return []
        }
        let host = head.value("Host") ?? server.map(\.description) ?? ""
        let target = head.startLine.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        url = "ws://\(host)\(target)"
        decoders[0].append(requestBytes[end...])
        requestBytes = Array(requestBytes[..<end])
        phase = .awaitingResponse(head)
        return []
    }

    private mutating func responseProgress() -> [Action] {
        guard case let .awaitingResponse(request) = phase else { return [] }
        guard let end = HTTPHead.end(in: responseBytes) else {
            if responseBytes.count > Self.maxHeadBytes {
                ignore("no end of the HTTP response head within \(Self.maxHeadBytes) bytes")
                return [.emit(.inbound, .error, Array("WebSocket handshake failed: the HTTP response head is longer than \(Self.maxHeadBytes) bytes".utf8))]
            }
            return []
        }
        let head = responseBytes[..<(end - 2)]
        // From here on the handshake bytes are accounted for; only what follows them counts as skipped.
        requestBytes = []
        responseBytes = Array(responseBytes[end...])
        guard let response = HTTPHead(head) else {
            return failHandshake("the HTTP response head is not well formed")
        }
        let status = response.startLine.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        guard status == "101" else {
            return failHandshake("the server answered '\(response.startLine)' instead of 101 Switching Protocols")
        }
        let key = request.value("Sec-WebSocket-Key") ?? ""
        let expected = SHA1.webSocketAccept(key: key)
        let accept = response.value("Sec-WebSocket-Accept") ?? ""
        guard accept == expected else {
            return failHandshake("Sec-WebSocket-Accept is '\(accept)' but the key '\(key)' requires '\(expected)' (RFC 6455 §4.1: the client must fail the connection)")
        }
        let leftover = responseBytes
        responseBytes = []
        phase = .open
        var actions: [Action] = [.emit(.outbound, .opened, ConnectionOpened(url: url ?? "", headers: request.headers + response.headers).payload)]
        negotiateExtensions(response)
        actions += decode([], side: 0)
        actions += decode(Array(leftover), side: 1)
        return actions
    }

    /// Turns on permessage-deflate (RFC 7692 §7.1) when the server's 101 accepted it, with the
    /// per-direction `*_no_context_takeover` parameters; other extensions are not known here.
    private mutating func negotiateExtensions(_ response: HTTPHead) {
        let accepted = response.headers.filter { $0.name.lowercased() == "sec-websocket-extensions" }
            .flatMap { $0.value.split(separator: ",") }
            .map { $0.split(separator: ";").map { $0.trimmingWhitespace().lowercased() } }
        guard let parameters = accepted.first(where: { $0.first == "permessage-deflate" }) else { return }
        inflaters = [
            PerMessageInflater(noContextTakeover: parameters.contains("client_no_context_takeover")),
            PerMessageInflater(noContextTakeover: parameters.contains("server_no_context_takeover")),
        ]
        assemblers[0].perMessageDeflate = true
        assemblers[1].perMessageDeflate = true
    }

    private mutating func failHandshake(_ reason: String) -> [Action] {
        let message = "WebSocket handshake failed: \(reason); nothing after the handshake was decoded"
        ignore("failed WebSocket handshake")
        return [.emit(.inbound, .error, Array(message.utf8)), .note(.failedHandshake, message)]
    }

    private mutating func decode(_ bytes: [UInt8], side: Int) -> [Action] {
        guard !abandoned[side] else {
            skippedBytes[side] += bytes.count
            return []
        }
        let direction: Direction = side == 0 ? .outbound : .inbound
        decoders[side].append(bytes)
        var actions: [Action] = []
        while true {
            let result: WebSocketFrameDecoder.Result
            do {
                result = try decoders[side].next()
            } catch {
                abandoned[side] = true
                let reason = "\(error); this direction is not decoded further"
                actions.append(.emit(direction, .error, Array(reason.utf8)))
                actions.append(.note(.malformedFrame, reason))
                return actions
            }
            switch result {
            case .needMoreData:
                return actions
            case let .frame(frame):
                for output in assemblers[side].receive(frame) {
                    switch output {
                    case let .message(kind, payload):
                        actions.append(.emit(direction, kind, payload))
                    case let .compressedMessage(kind, payload):
                        do {
                            guard let inflater = inflaters[side] else { preconditionFailure("compressed message without permessage-deflate") }
                            actions.append(.emit(direction, kind, try inflater.inflate(payload)))
                        } catch {
                            let reason = "permessage-deflate \(kind) message of \(payload.count) bytes not imported: \(error)"
                            actions.append(.emit(direction, .error, Array(reason.utf8)))
                            actions.append(.note(.malformedFrame, reason))
                        }
                    case let .violation(reason):
                        actions.append(.emit(direction, .error, Array(reason.utf8)))
                        actions.append(.note(.malformedFrame, reason))
                    }
                }
            }
        }
    }
}
