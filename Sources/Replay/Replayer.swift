import TapeCore
import TapeFormat
import Venues

/// Replays tapes in process: reads frames in order (the zero-copy view path, the payload copied
/// for the client into one reused buffer), drives a `ReplaySession` on the virtual clock, and
/// returns the result.
public enum Replayer {
    /// Opens a tape, turning a `TapeError` into a `ReplayError` that keeps its text.
    public static func open(_ path: String) throws(ReplayError) -> TapeReader {
        do {
            return try TapeReader(path: path)
        } catch {
            throw ReplayError(.unreadableTape, place: path, error.detail + (error.offset.map { " (offset \($0))" } ?? ""), remedy: error.remedy)
        }
    }

    /// A new session for a tape: the venue from its header (refused when unknown), symbols and
    /// user from the configuration or the tape's labels.
    public static func session(for reader: TapeReader, configuration: ReplayConfiguration = .init(), drives: Bool = false) throws(ReplayError) -> ReplaySession {
        let venue = try VenueName(header: reader.header, tape: reader.name)
        return ReplaySession(
            venue: venue, symbols: configuration.symbols(for: venue, header: reader.header),
            notionalUser: configuration.user(header: reader.header), drives: drives,
            checksInvariantsEveryFrame: configuration.checksInvariantsEveryFrame
        )
    }

    /// How far a replay may read: every frame before the first damaged stretch found when the
    /// tape was opened (a damaged block found while reading stops it too, see `run`).
    public static func readableLimit(of reader: TapeReader) -> (frames: Int, stop: ReplayStop?) {
        var end = 0
        let firstDamage = reader.damage.min { $0.offset < $1.offset }
        for block in reader.blocks {
            if let firstDamage, block.offset > firstDamage.offset { break }
            guard block.firstFrame == end else {
                return (end, ReplayStop(frame: end, offset: block.offset, reason: "frames \(end)–\(block.firstFrame - 1) are missing"))
            }
            end += block.frameCount
        }
        guard let firstDamage else { return (end, nil) }
        return (end, ReplayStop(frame: end, offset: firstDamage.offset, reason: firstDamage.reason))
    }

    /// Replays a tape file. See `run(reader:configuration:digest:onEvent:)`.
    public static func run(
        tape path: String, configuration: ReplayConfiguration = .init(), digest: Bool = true,
        onEvent: ((ReplayEvent) -> Void)? = nil
    ) throws(ReplayError) -> ReplayResult {
        try run(reader: open(path), configuration: configuration, digest: digest, onEvent: onEvent)
    }

    /// Replays every readable frame of `reader` into the venue's clients (observing: the tape
    /// holds the outbound side), fires client timers between frames, and at the end fires the
    /// timers due up to the last frame's time. A damaged tape replays up to the damage and says
    /// where it stopped in `stop`. `onEvent` sees every event in order.
    public static func run(
        reader: TapeReader, configuration: ReplayConfiguration = .init(), digest digesting: Bool = true,
        onEvent: ((ReplayEvent) -> Void)? = nil
    ) throws(ReplayError) -> ReplayResult {
        var session = try session(for: reader, configuration: configuration)
        let digest = digesting ? BackgroundDigest() : nil
        var (limit, stop) = readableLimit(of: reader)
        var lastTime = Timestamp.zero
        // With neither a digest nor an observer, there is no sink: events are only counted (by
        // the session), not wrapped and copied for nobody.
        let sink: ((ReplayOutput) -> Void)? = digest == nil && onEvent == nil ? nil : { output in
            guard case .event(let event) = output else { return }
            digest?.add(event)
            onEvent?(event)
        }
        var cursor = reader.cursor(fromFrame: 0, options: configuration.cursorOptions)
        var next = 0
        var payload: [UInt8] = []
        do {
            while next < limit {
                let more = try cursor.nextView { view in
                    let frame = view.frame(reusing: &payload)
                    lastTime = max(lastTime, frame.time)
                    session.apply(frame, number: view.number, sink: sink)
                }
                guard more else { break }
                next += 1
            }
        } catch let error as TapeError {
            stop = ReplayStop(frame: next, offset: error.offset ?? reader.fileLength, reason: error.detail)
            limit = next
        } catch {
            preconditionFailure("the replay loop throws only TapeError, not \(error)")
        }
        session.finish(at: lastTime, sink)
        let state = session.state
        return ReplayResult(
            tape: reader.name, venue: session.venue, configuration: configuration, frameCount: reader.frameCount, session: session, state: state,
            digest: digest.map { "sha256:" + $0.finish(state: state) }, stop: stop
        )
    }
}
