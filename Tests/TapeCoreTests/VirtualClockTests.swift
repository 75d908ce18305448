import Testing
@testable import TapeCore

@Suite("The virtual clock")
struct VirtualClockTests {
    @Test("timers fire in due order, ties in scheduling order, and move time to their due time")
    func order() {
        var clock = VirtualClock()
        clock.schedule("c", at: .seconds(2))
        clock.schedule("a", at: .seconds(1))
        clock.schedule("b", at: .seconds(2))
        var fired: [String] = []
        while let timer = clock.popTimer(dueAtOrBefore: .seconds(5)) {
            fired.append("\(timer.name)@\(clock.now)")
        }
        #expect(fired == ["a@1.000000000", "c@2.000000000", "b@2.000000000"])
        #expect(clock.now == .seconds(2))
    }

    @Test("a timer due at a frame's time fires after the frame")
    func framesBeforeTimersAtOneInstant() {
        var clock = VirtualClock()
        clock.schedule("ping", at: .seconds(30))
        #expect(clock.popTimer(dueBefore: .seconds(30)) == nil)
        clock.advance(to: .seconds(30))  // the frame at 30 s is handled here
        #expect(clock.popTimer(dueBefore: .seconds(31))?.name == "ping")
    }

    @Test("a cancelled timer never fires; the others still do")
    func cancel() {
        var clock = VirtualClock()
        let first = clock.schedule("first", at: .seconds(1))
        clock.schedule("second", at: .seconds(2))
        clock.cancel(first)
        clock.cancel(first)
        #expect(clock.pendingCount == 1)
        #expect(clock.nextDue() == .seconds(2))
        #expect(clock.popTimer(dueAtOrBefore: .seconds(9))?.name == "second")
        #expect(clock.popTimer(dueAtOrBefore: .seconds(9)) == nil)
    }

    @Test("a timer scheduled in the past fires at the current time")
    func pastTimer() {
        var clock = VirtualClock(start: .seconds(10))
        clock.schedule("late", at: .seconds(3))
        let timer = clock.popTimer(dueAtOrBefore: .seconds(10))
        #expect(timer?.due == .seconds(10))
        #expect(clock.now == .seconds(10))
    }

    @Test("a timer scheduled while timers fire, due earlier than the limit, fires in the same step")
    func timersScheduledWhileFiring() {
        var clock = VirtualClock()
        clock.schedule("tick", at: .seconds(1))
        var fired: [Timestamp] = []
        while let timer = clock.popTimer(dueBefore: .seconds(4)) {
            fired.append(timer.due)
            clock.schedule("tick", at: clock.now + .seconds(1))
        }
        #expect(fired == [.seconds(1), .seconds(2), .seconds(3)])
    }

    @Test("pacing turns virtual gaps into waits")
    func pacing() {
        let from = Timestamp.seconds(1)
        let to = Timestamp.seconds(61)
        #expect(Pacing.asFastAsPossible.wait(from: from, to: to).nanoseconds == 0)
        #expect(Pacing.realTime.wait(from: from, to: to) == .seconds(60))
        #expect(Pacing.speed(4).wait(from: from, to: to) == .seconds(15))
        #expect(Pacing.realTimeCappingGaps(at: .seconds(2)).wait(from: from, to: to) == .seconds(2))
        #expect(Pacing.realTime.wait(from: to, to: from).nanoseconds == 0)
    }
}
