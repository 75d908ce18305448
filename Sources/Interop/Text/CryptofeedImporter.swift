import TapeCore

/// Imports cryptofeed's raw recorder format, one event per line:
///
/// - `<url> <-> <unix_ts>`: a connection opened → an `opened` frame (URL, no headers: none are recorded);
/// - `<url> <- <unix_ts>: <payload>`: the client sent a frame → an outbound `text` frame;
/// - `<unix_ts>: <payload>`: a frame was received → an inbound `text` frame.
///
/// Connections: every `<->` line opens a new connection (numbered from 0 in file order). A received
/// line names no URL, so it belongs to the most recently opened connection; a sent line belongs to
/// the most recent connection with its URL. cryptofeed's `AsyncFileCallback` writes one file per
/// connection (`<connection id>.<rotation>`), so in practice a file holds one connection and a second
/// `<->` is a reconnect, which must be a new connection for replay. Lines before any `<->` cannot be
/// attributed and are skipped with a note. Timestamps are decimal seconds converted digit by digit to
/// exact nanoseconds. Payloads are the bytes after `": "` up to the `\n`, unchanged; the recorder
/// writes every message as text.
struct CryptofeedImporter {
    func run(_ bytes: [UInt8]) -> ImportedCapture {
        var timeline = Timeline(expectedFrames: bytes.count / 256)
        var endpoints: [String] = []
        var droppedPrecisionAt: Int?
        bytes.withUnsafeBufferPointer { buffer in
            timeline.forEachLine(in: buffer) { timeline, start, lineEnd in
                guard let line = Self.parse(buffer, from: start, to: lineEnd) else {
                    timeline.note(ImportNote(
                        .skippedLine, byteOffset: start,
                        message: "line is none of '<url> <-> <ts>', '<url> <- <ts>: <payload>', '<ts>: <payload>' (\(lineEnd - start) bytes); skipped"
                    ))
                    return
                }
                if line.droppedPrecision, droppedPrecisionAt == nil { droppedPrecisionAt = start }
                let url = line.urlRange.map { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) }
                let payload = line.payloadRange.map { Array(UnsafeBufferPointer(rebasing: buffer[$0])) } ?? []
                switch line.event {
                case .opened:
                    let url = url ?? ""
                    let connection = ConnectionID(UInt32(endpoints.count))
                    endpoints.append(url)
                    timeline.append(
                        at: line.nanoseconds, .outbound, connection: connection, kind: .opened,
                        payload: ConnectionOpened(url: url).payload, byteOffset: start
                    )
                case .sent:
                    guard let index = endpoints.lastIndex(of: url ?? "") else {
                        timeline.note(ImportNote(
                            .unattributedFrame, byteOffset: start, stream: url,
                            message: "a sent frame for a URL that was never opened; skipped"
                        ))
                        return
                    }
                    timeline.append(
                        at: line.nanoseconds, .outbound, connection: ConnectionID(UInt32(index)), kind: .text,
                        payload: payload, byteOffset: start
                    )
                case .received:
                    guard !endpoints.isEmpty else {
                        timeline.note(ImportNote(
                            .unattributedFrame, byteOffset: start,
                            message: "a received frame before any connection was opened; skipped"
                        ))
                        return
                    }
                    timeline.append(
                        at: line.nanoseconds, .inbound, connection: ConnectionID(UInt32(endpoints.count - 1)),
                        kind: .text, payload: payload, byteOffset: start
                    )
                }
            }
        }
        if let droppedPrecisionAt {
            timeline.note(ImportNote(
                .precisionDropped, byteOffset: droppedPrecisionAt,
                message: "timestamps with more than nine decimals: digits below 1 ns were dropped (first here)"
            ))
        }
        return ImportedCapture(
            frames: timeline.frames, wallClockStartNanoseconds: timeline.origin,
            endpoints: endpoints, notes: timeline.notes
        )
    }

    enum Event { case opened, sent, received }

    struct Line {
        var event: Event
        var nanoseconds: Int64
        var droppedPrecision: Bool
        var urlRange: Range<Int>?
        var payloadRange: Range<Int>?
    }

    /// Parses one line (without its `\n`); nil when it has none of the three shapes.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Line? {
        if ByteText.isDigit(buffer[start]) {
            guard let time = ByteText.decimalSeconds(in: buffer, from: start, to: end),
                  ByteText.hasPrefix(": ", in: buffer, at: time.end, end: end)
            else { return nil }
            return Line(event: .received, nanoseconds: time.nanoseconds, droppedPrecision: time.droppedPrecision,
                        payloadRange: (time.end + 2)..<end)
        }
        var space = start
        while space < end, buffer[space] != ByteText.space { space += 1 }
        guard space > start else { return nil }
        let url = start..<space
        if ByteText.hasPrefix(" <-> ", in: buffer, at: space, end: end) {
            // An open line has no payload, so a Windows line end ("\r\n") can be told apart and is accepted.
            guard let time = ByteText.decimalSeconds(in: buffer, from: space + 5, to: end),
                  time.end == end || (time.end == end - 1 && buffer[time.end] == UInt8(ascii: "\r"))
            else { return nil }
            return Line(event: .opened, nanoseconds: time.nanoseconds, droppedPrecision: time.droppedPrecision, urlRange: url)
        }
        if ByteText.hasPrefix(" <- ", in: buffer, at: space, end: end) {
            guard let time = ByteText.decimalSeconds(in: buffer, from: space + 4, to: end),
                  ByteText.hasPrefix(": ", in: buffer, at: time.end, end: end)
            else { return nil }
            return Line(event: .sent, nanoseconds: time.nanoseconds, droppedPrecision: time.droppedPrecision,
                        urlRange: url, payloadRange: (time.end + 2)..<end)
        }
        return nil
    }
}
