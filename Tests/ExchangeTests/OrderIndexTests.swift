@testable import Exchange
import Testing

@Suite("Order index")
struct OrderIndexTests {
    @Test("ids that outlive the window move to the overflow and are still found, updated and removed")
    func slidingWindow() {
        var index = OrderIndex(windowLimit: 8)
        for id in UInt64(1)...40 { index[id] = Exchange.Location(instrument: 0, slot: Int32(id)) }
        for id in UInt64(1)...40 where id % 3 != 0 { index[id] = nil }
        #expect(index.count == 13)
        for id in UInt64(1)...40 {
            #expect(index[id]?.slot == (id % 3 == 0 ? Int32(id) : nil))
        }
        index[3] = Exchange.Location(instrument: 0, slot: 99)
        #expect(index[3]?.slot == 99)
        index[3] = nil
        #expect(index[3] == nil && index.count == 12)
        #expect(index[1_000] == nil)
    }
}
