import NIOCore
import TapeCore
import Venues

/// A venue client kept connected: when the venue closes or loses the socket without being asked,
/// it reconnects with exponential backoff, with a fresh client that authenticates again
/// (`connected(at:)`) and is set up again (`setUp`: the subscriptions), and records the gap on the
/// tape.
///
/// On the tape a gap reads: the old connection's `close`/`closed`/`lost` frame, an annotation on
/// the old connection saying what happened and when the next attempt is, an `error` frame on it for
/// each attempt that failed, then the new socket's `opened` under a new connection id, followed by
/// an annotation saying how long the gap lasted. Each socket
/// gets a new client, as it does in replay (one client per connection id), so a tape with a gap
/// replays to what the live client saw.
///
/// Only the first connection is not retried: when it fails, the URL or credentials are more likely
/// wrong than the venue down, and the caller hears it at once.
public final class ReconnectingVenueConnection<Client: VenueClient>: @unchecked Sendable {
    public typealias Backoff = ReconnectBackoff

    private let loop: EventLoop
    private let url: WebSocketURL
    /// The upgrade headers of each attempt (made afresh: a signature may carry the time).
    private let makeHeaders: @Sendable () -> [HTTPHeader]
    private let tls: ClientTLS
    private let backoff: Backoff
    private let tape: VenueTape?
    private let makeClient: @Sendable () -> Client
    private let setUp: @Sendable (inout Client, Timestamp) -> [ClientAction]
    private let onEvent: @Sendable (VenueEvent) -> Void
    private let onNote: @Sendable (String) -> Void
    private let closedPromise: EventLoopPromise<Void>

    // On the loop.
    private var current: LiveVenueConnection<Client>?
    /// The latest connection, open or not: what `inspect` reads.
    private var latest: LiveVenueConnection<Client>?
    private var attempt = 0
    /// The attempt whose socket has already ended (it may end before its connect future completes).
    private var endedAttempts: Set<Int> = []
    /// The socket of the connection that was lost: the gap's annotations and errors go on it.
    private var lostSocket: VenueTape.Socket?
    private var openedAt = NIODeadline.now()
    private var lostAt = NIODeadline.now()
    private var failures = 0
    private var gapFailures = 0
    private var retry: Scheduled<Void>?
    private var connecting = false
    private var stopping = false
    private var finished = false
    private var reconnectCount = 0

    private init(loop: EventLoop, url: WebSocketURL, makeHeaders: @escaping @Sendable () -> [HTTPHeader], tls: ClientTLS, backoff: Backoff, tape: VenueTape?,
                 makeClient: @escaping @Sendable () -> Client, setUp: @escaping @Sendable (inout Client, Timestamp) -> [ClientAction],
                 onEvent: @escaping @Sendable (VenueEvent) -> Void, onNote: @escaping @Sendable (String) -> Void) {
        self.loop = loop
        self.url = url
        self.makeHeaders = makeHeaders
        self.tls = tls
        self.backoff = backoff
        self.tape = tape
        self.makeClient = makeClient
        self.setUp = setUp
        self.onEvent = onEvent
        self.onNote = onNote
        self.closedPromise = loop.makePromise()
    }

    /// Connects once; succeeds when the first socket is open (the client has been told `connected`
    /// and `setUp` is queued), fails if it cannot be opened.
    ///
    /// - Parameters:
    ///   - makeClient: a new client for each socket (QFEX signs its auth with a fresh nonce each time).
    ///   - setUp: run on each new client once it is connected: its subscriptions.
    ///   - tape: where frames go (nil: not recorded).
    ///   - onNote: hears each line the gap adds to the tape (the loss, each failed attempt), on the
    ///     loop: for a log or a status line.
    public static func connect(
        to url: WebSocketURL, headers: [HTTPHeader] = [], tls: ClientTLS = ClientTLS(), backoff: Backoff = Backoff(),
        tape: VenueTape?, group: EventLoopGroup, makeClient: @escaping @Sendable () -> Client,
        setUp: @escaping @Sendable (inout Client, Timestamp) -> [ClientAction] = { _, _ in [] },
        onEvent: @escaping @Sendable (VenueEvent) -> Void = { _ in }, onNote: @escaping @Sendable (String) -> Void = { _ in }
    ) -> EventLoopFuture<ReconnectingVenueConnection> {
        connect(to: url, makeHeaders: { headers }, tls: tls, backoff: backoff, tape: tape, group: group, makeClient: makeClient,
                setUp: setUp, onEvent: onEvent, onNote: onNote)
    }

    /// Like `connect(to:headers:…)`, with upgrade headers made for each attempt (Roxom signs the
    /// handshake with the time).
    public static func connect(
        to url: WebSocketURL, makeHeaders: @escaping @Sendable () -> [HTTPHeader], tls: ClientTLS = ClientTLS(), backoff: Backoff = Backoff(),
        tape: VenueTape?, group: EventLoopGroup, makeClient: @escaping @Sendable () -> Client,
        setUp: @escaping @Sendable (inout Client, Timestamp) -> [ClientAction] = { _, _ in [] },
        onEvent: @escaping @Sendable (VenueEvent) -> Void = { _ in }, onNote: @escaping @Sendable (String) -> Void = { _ in }
    ) -> EventLoopFuture<ReconnectingVenueConnection> {
        let loop = group.next()
        let connection = ReconnectingVenueConnection(loop: loop, url: url, makeHeaders: makeHeaders, tls: tls, backoff: backoff, tape: tape,
                                                     makeClient: makeClient, setUp: setUp, onEvent: onEvent, onNote: onNote)
        return loop.flatSubmit { connection.open().map { connection } }
    }

    /// Runs a command on the current client and performs its actions; dropped during a gap (the
    /// next client starts from `setUp`).
    public func perform(_ body: @escaping @Sendable (inout Client, Timestamp) -> [ClientAction]) {
        loop.execute { [self] in current?.perform(body) }
    }

    /// Reads the latest client (the open one, or the one that was lost during a gap).
    public func inspect<Result: Sendable>(_ body: @escaping @Sendable (Client) -> Result) -> EventLoopFuture<Result> {
        loop.flatSubmit { [self] in latest!.inspect(body) }
    }

    /// Sockets re-opened so far.
    public var reconnects: EventLoopFuture<Int> { loop.submit { self.reconnectCount } }

    /// Stops: closes the open socket (or cancels the wait for the next attempt) and reconnects no more.
    public func close(code: UInt16 = 1000) {
        loop.execute { [self] in
            guard !stopping else { return }
            stopping = true
            retry?.cancel()
            retry = nil
            if let current {
                current.close(code: code)
            } else if !connecting {
                finish()
            }
        }
    }

    /// Completes when closed by `close()`, or when `backoff.attemptsMax` attempts in a row failed.
    public var closed: EventLoopFuture<Void> { closedPromise.futureResult }

    // MARK: On the loop

    /// One attempt. The first one's failure is the caller's; later ones' are recorded and retried.
    private func open() -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        attempt += 1
        let number = attempt
        let socket = tape?.newSocket()
        connecting = true
        let future = LiveVenueConnection.connect(
            to: url, client: makeClient(), headers: makeHeaders(), tls: tls, group: loop, record: socket?.sink, onEvent: onEvent,
            onEnd: { [self] how in loop.execute { self.ended(attempt: number, socket: socket, how: how) } }
        )
        return future.map { [self] live in
            connecting = false
            latest = live
            if number > 1 {
                reconnectCount += 1
                tape?.recorder.noteReconnect()
                let waited = Self.seconds(Timestamp.Duration(nanoseconds: (NIODeadline.now() - lostAt).nanoseconds))
                lostSocket = socket
                note(.annotation, "reconnected to \(redactedURL) \(waited) after the loss, after \(gapFailures) failed attempt(s)")
            }
            if stopping {
                live.close()
                return
            }
            guard !endedAttempts.contains(number) else { return }
            current = live
            openedAt = .now()
            live.perform(setUp)
        }.flatMapError { [self] error in
            connecting = false
            if number > 1 {
                failed(error)
            } else {
                finish()  // nothing to reconnect: the caller hears the error
            }
            return loop.makeFailedFuture(error)
        }
    }

    private func ended(attempt number: Int, socket: VenueTape.Socket?, how: String) {
        endedAttempts.insert(number)
        current = nil
        if stopping {
            finish()
            return
        }
        if NIODeadline.now() - openedAt >= .nanoseconds(backoff.stableAfter.nanoseconds) { failures = 0 }
        lostSocket = socket
        lostAt = .now()
        gapFailures = 0
        let delay = backoff.delay(afterFailures: failures)
        note(.annotation, "connection \(how); reconnecting to \(redactedURL) in \(Self.seconds(delay)) (attempt \(failures + 1))")
        schedule(after: delay)
    }

    private func failed(_ error: Error) {
        failures += 1
        gapFailures += 1
        if let limit = backoff.attemptsMax, failures >= limit {
            note(.error, "reconnect attempt \(failures) to \(redactedURL) failed: \(error); giving up after \(limit) attempts")
            finish()
            return
        }
        let delay = backoff.delay(afterFailures: failures)
        note(.error, "reconnect attempt \(failures) to \(redactedURL) failed: \(error); next attempt in \(Self.seconds(delay))")
        if stopping {
            finish()
        } else {
            schedule(after: delay)
        }
    }

    private func schedule(after delay: Timestamp.Duration) {
        retry = loop.scheduleTask(in: .nanoseconds(delay.nanoseconds)) { [self] in
            retry = nil
            guard !stopping else { return }
            _ = open()
        }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        closedPromise.succeed()
    }

    private func note(_ kind: FrameKind, _ text: String) {
        lostSocket?.record(.inbound, kind, Array(text.utf8))
        onNote(text)
    }

    private var redactedURL: String { tape?.redaction.url(url.description) ?? url.description }

    private static func seconds(_ duration: Timestamp.Duration) -> String {
        let milliseconds = duration.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}

/// How long to wait before each attempt.
public struct ReconnectBackoff: Sendable {
    /// The wait before the first attempt after a loss; it doubles with each failed attempt.
    public var first: Timestamp.Duration
    /// The longest wait.
    public var maximum: Timestamp.Duration
    /// A connection that stayed up this long starts the next gap's waits from `first` again.
    public var stableAfter: Timestamp.Duration
    /// Failed attempts in a row before giving up (nil: never give up).
    public var attemptsMax: Int?

    public init(first: Timestamp.Duration = .milliseconds(500), maximum: Timestamp.Duration = .seconds(30),
                stableAfter: Timestamp.Duration = .seconds(30), attemptsMax: Int? = nil) {
        precondition(first.nanoseconds > 0 && maximum >= first, "backoff: first must be positive and at most maximum")
        self.first = first
        self.maximum = maximum
        self.stableAfter = stableAfter
        self.attemptsMax = attemptsMax
    }

    /// The wait before the attempt that follows `failures` failed ones: first × 2^failures, capped
    /// at maximum. No jitter: one recorder reconnects to one venue, there is no herd to spread.
    public func delay(afterFailures failures: Int) -> Timestamp.Duration {
        var delay = first.nanoseconds
        for _ in 0..<min(failures, 62) {
            delay *= 2
            if delay >= maximum.nanoseconds { return maximum }
        }
        return Timestamp.Duration(nanoseconds: min(delay, maximum.nanoseconds))
    }
}
