import TapeCore
import Testing
@testable import Venues

@Suite("SymbolMap")
struct SymbolMapTests {
    @Test("holds what a Dictionary would after any sets, stores and removals, in key order")
    func behavesAsADictionary() {
        // Keys small and large (Strings of over 15 bytes live on the heap), some sharing prefixes.
        let keys = ["BTC", "ETH", "BTCUSD-PERP", "ETHUSD-PERP", "A-VERY-LONG-SYMBOL-NAME-1", "A-VERY-LONG-SYMBOL-NAME-2", "", "b"]
        var random = SeededRandom(seed: 7)
        var map = SymbolMap<Int>()
        var model: [String: Int] = [:]
        for step in 0..<5_000 {
            let key = keys[Int(random.next(below: UInt64(keys.count)))]
            let value = Int(random.next(below: 4))
            switch random.next(below: 4) {
            case 0:
                map[key] = value
                model[key] = value
            case 1:
                #expect(map.removeValue(forKey: key) == model.removeValue(forKey: key), "step \(step)")
            case 2:
                let changed = model[key] != value
                #expect(map.store(value, forKey: key) == changed, "step \(step): store says whether the value changed")
                model[key] = value
            default:
                map[key] = nil
                model[key] = nil
            }
            #expect(map[key] == model[key], "step \(step)")
            #expect(map.keys == model.keys.sorted(), "step \(step)")
            #expect(map.values == map.keys.map { model[$0]! }, "step \(step)")
            #expect(map.count == model.count && map.isEmpty == model.isEmpty)
            #expect(Array(map).map(\.key) == map.keys, "iteration follows key order")
        }
    }

    @Test("equal contents are equal and hash alike, whatever order they were stored in")
    func equality() {
        var forward = SymbolMap<FixedDecimal>(), backward = SymbolMap<FixedDecimal>()
        for symbol in ["A", "B", "C"] { forward[symbol] = 1 }
        for symbol in ["C", "B", "A"] { backward[symbol] = 1 }
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(forward == ["B": 1, "A": 1, "C": 1])
        backward["B"] = 2
        #expect(forward != backward)
    }

    @Test("reflects as a dictionary: its entries as key and value")
    func reflection() {
        let map: SymbolMap<Int> = ["b": 2, "a": 1]
        let mirror = Mirror(reflecting: map)
        #expect(mirror.displayStyle == .dictionary)
        let pairs = mirror.children.map { child in Mirror(reflecting: child.value).children.map { "\($0.value)" } }
        #expect(pairs == [["a", "1"], ["b", "2"]])
    }
}
