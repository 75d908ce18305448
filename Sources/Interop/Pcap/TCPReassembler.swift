/// Puts one direction of a TCP connection back in order: out-of-order segments wait until the gap
/// before them fills; retransmitted and overlapping bytes are delivered once (the first copy wins).
///
/// Sequence numbers are unwrapped to 64-bit stream offsets relative to the first sequence number
/// seen (the SYN's + 1 when the SYN was captured), so wrap-around at 2^32 is harmless.
struct TCPReassembler {
    /// Most bytes held back waiting for a gap to fill; past it the gap is declared lost.
    var maxPendingBytes = 32 << 20

    private var initialSequence: UInt32?
    /// Stream offset of the next byte to deliver.
    private(set) var deliveredOffset: Int64 = 0
    /// Segments past a gap, sorted by offset.
    private var pending: [(offset: Int64, bytes: [UInt8])] = []
    private var pendingBytes = 0
    private var finOffset: Int64?
    /// True once the FIN has been reached in order.
    private(set) var finished = false
    /// Bytes skipped because a gap never filled within `maxPendingBytes`.
    private(set) var skippedBytes: Int64 = 0

    /// What one segment made available.
    struct Delivery {
        /// Contiguous new bytes, in order.
        var bytes: [UInt8] = []
        /// Set when bytes had to be skipped over a gap (lost segments) before `bytes`.
        var gapBytes: Int64 = 0
        /// True when this segment completed the stream (its FIN is now in order).
        var finished = false
    }

    /// Bytes held back behind a gap (for the end-of-capture note).
    var bytesWaitingBehindGap: Int { pendingBytes }

    mutating func receive(sequenceNumber: UInt32, syn: Bool, fin: Bool, payload: UnsafeBufferPointer<UInt8>) -> Delivery {
        if initialSequence == nil {
            initialSequence = syn ? sequenceNumber &+ 1 : sequenceNumber
        }
        guard let initialSequence, !finished else { return Delivery() }
        var dataSequence = sequenceNumber
        if syn { dataSequence &+= 1 }
        // Unwrap relative to what has been delivered: the nearest 64-bit offset with these low 32 bits.
        let relative = dataSequence &- initialSequence
        let deliveredLow = UInt32(truncatingIfNeeded: deliveredOffset)
        let offset = deliveredOffset + Int64(Int32(bitPattern: relative &- deliveredLow))
        if fin { finOffset = offset + Int64(payload.count) }

        var delivery = Delivery()
        if !payload.isEmpty {
            insert(offset: offset, payload)
        }
        drain(into: &delivery)
        if pendingBytes > maxPendingBytes, let first = pending.first {
            // The gap will not fill: skip over it and carry on with what follows.
            delivery.gapBytes += first.offset - deliveredOffset
            skippedBytes += first.offset - deliveredOffset
            deliveredOffset = first.offset
            drain(into: &delivery)
        }
        if let finOffset, deliveredOffset >= finOffset {
            finished = true
            delivery.finished = true
        }
        return delivery
    }

    private mutating func insert(offset: Int64, _ payload: UnsafeBufferPointer<UInt8>) {
        let end = offset + Int64(payload.count)
        guard end > deliveredOffset else { return } // pure retransmission
        let skip = Int(max(0, deliveredOffset - offset))
        let start = offset + Int64(skip)
        let index = pending.firstIndex { $0.offset > start } ?? pending.endIndex
        pending.insert((start, Array(payload[skip...])), at: index)
        pendingBytes += payload.count - skip
    }

    /// Moves every segment that now touches `deliveredOffset` into the delivery, trimming overlaps.
    private mutating func drain(into delivery: inout Delivery) {
        while let first = pending.first, first.offset <= deliveredOffset {
            pending.removeFirst()
            pendingBytes -= first.bytes.count
            let end = first.offset + Int64(first.bytes.count)
            guard end > deliveredOffset else { continue }
            let skip = Int(deliveredOffset - first.offset)
            if skip == 0, delivery.bytes.isEmpty {
                delivery.bytes = first.bytes
            } else {
                delivery.bytes.append(contentsOf: first.bytes[skip...])
            }
            deliveredOffset = end
        }
    }
}
