import TapeCore

/// Imports hftbacktest collector files: gzip text, one received WebSocket text frame per line,
/// `<local_recv_ns> <raw payload>`.
///
/// Every line becomes an inbound `text` frame on connection 0, payload byte-exact (everything after
/// the first space, up to but not including the `\n`). The format names no URL and has no
/// connection events, so there is no `opened` frame and the endpoint is "".
struct HftbacktestImporter {
    var gzip = Gzip()

    func run(_ compressed: [UInt8]) throws -> ImportedCapture {
        let inflated = try gzip.decompress(compressed)
        var timeline = Timeline(expectedFrames: inflated.output.count / 256)
        let connection = ConnectionID(0)
        inflated.output.withUnsafeBufferPointer { buffer in
            timeline.forEachLine(in: buffer) { timeline, start, lineEnd in
                guard let (receivedNanoseconds, afterTime) = ByteText.unsignedInteger(in: buffer, from: start, to: lineEnd),
                      afterTime < lineEnd, buffer[afterTime] == ByteText.space
                else {
                    timeline.note(ImportNote(
                        .skippedLine, byteOffset: start,
                        message: "line is not '<local_recv_ns> <payload>' (\(lineEnd - start) bytes); skipped"
                    ))
                    return
                }
                let payload = Array(UnsafeBufferPointer(rebasing: buffer[(afterTime + 1)..<lineEnd]))
                timeline.append(
                    at: receivedNanoseconds, .inbound, connection: connection, kind: .text,
                    payload: payload, byteOffset: start
                )
            }
        }
        if let stop = inflated.stop {
            timeline.note(ImportNote(
                .truncated, byteOffset: stop.compressedOffset,
                message: "\(stop.reason) at compressed offset \(stop.compressedOffset); imported the \(inflated.output.count) bytes decoded before it"
            ))
        }
        return ImportedCapture(
            frames: timeline.frames, wallClockStartNanoseconds: timeline.origin,
            endpoints: timeline.frames.isEmpty ? [] : [""], notes: timeline.notes
        )
    }
}
