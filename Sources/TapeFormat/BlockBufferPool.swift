import Foundation

/// Memory for decoded blocks, lent per block and taken back when the block is released.
///
/// Why not plain arrays: a reader decoding on several cores allocates a block-sized buffer on a
/// worker thread and frees it on the reading thread. glibc's per-thread arenas did not reuse that
/// memory; they kept growing into fresh pages, so every 4 KiB inflated on a worker cost a page fault
/// (~75,000 a second while reading on two cores; docs/BENCHMARKS.md). Recycled buffers stay mapped.
final class BlockBufferPool: @unchecked Sendable {
    /// One block's content and the spans of its records. Buffers only grow, in steps, so that blocks
    /// of slightly different sizes (a block ends with the frame that crosses the block size) fit
    /// the same buffers.
    final class Buffers {
        private(set) var content = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        private(set) var spans = UnsafeMutableBufferPointer<DecodedBlock.Span>(start: nil, count: 0)

        func reserve(contentBytes: Int, spans spanCount: Int) {
            if content.count < contentBytes {
                content.deallocate()
                content = .allocate(byteCount: roundedUp(contentBytes, to: 256 << 10), alignment: 64)
            }
            if spans.count < spanCount {
                spans.deallocate()
                spans = .allocate(capacity: roundedUp(spanCount, to: 4096))
            }
        }

        private func roundedUp(_ value: Int, to step: Int) -> Int {
            (value / step + 1) * step
        }

        deinit {
            content.deallocate()
            spans.deallocate()
        }
    }

    /// Buffers on loan to one decoded block; they go back to the pool when the last copy of the
    /// block is gone.
    final class Lease: @unchecked Sendable {
        let buffers: Buffers
        private let pool: BlockBufferPool

        fileprivate init(buffers: Buffers, pool: BlockBufferPool) {
            self.buffers = buffers
            self.pool = pool
        }

        deinit { pool.takeBack(buffers) }
    }

    private let lock = NSLock()
    private var idle: [Buffers] = []
    /// Leases not yet given back: decoded blocks alive (how tests see that blocks are released).
    private var leases = 0
    var leasesOut: Int { lock.withLock { leases } }
    /// Idle buffers kept beyond this are freed: a cursor holds at most two batches of blocks.
    private let keep: Int

    init(keep: Int = 16) {
        self.keep = keep
    }

    /// Buffers with room for `contentBytes` of content and `spans` records.
    func lend(contentBytes: Int, spans: Int) -> Lease {
        let buffers = lock.withLock {
            leases += 1
            return idle.popLast()
        } ?? Buffers()
        buffers.reserve(contentBytes: contentBytes, spans: spans)
        return Lease(buffers: buffers, pool: self)
    }

    private func takeBack(_ buffers: Buffers) {
        lock.withLock {
            leases -= 1
            if idle.count < keep { idle.append(buffers) }
        }
    }
}
