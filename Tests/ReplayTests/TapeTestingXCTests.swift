import TapeTesting
import Venues
import XCTest

/// The same helpers from XCTest: a throwing test method fails with the helper's message.
final class TapeTestingXCTests: XCTestCase {
    func testRecordingReplaysIntoALongPosition() throws {
        let tape = try ReplayedTape.recording("digitex-market-order-fill.tape")
        try tape.expectNoAnomalies()
        try tape.expectPosition("BTCUSD-PERP", side: .long, size: 10)
        XCTAssertEqual(tape.events(ofType: "orderFilled").first?.frame, 5)
    }

    func testFailureMessageNamesTheFrame() throws {
        let tape = try ReplayedTape.recording("digitex-market-order-fill.tape")
        XCTAssertThrowsError(try tape.expectNoEvent("fills") { $0.type == "orderFilled" }) { error in
            XCTAssertTrue("\(error)".contains("at frame 5"))
        }
    }
}
