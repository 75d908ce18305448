import TapeCore

/// Copies every intact frame of a damaged tape into a new tape; the original is never touched.
///
/// Where frames were lost, the copy holds an `annotation` frame on connection 0 saying which frames
/// and bytes of the original were dropped and why, so the loss stays visible downstream.
public enum TapeRepair {
    public struct Report: Sendable {
        public var framesCopied = 0
        public var damage: [Damage] = []
    }

    public static func copyIntactFrames(of reader: TapeReader, to path: String) throws -> Report {
        var report = Report()
        report.damage = reader.verify()
        var pendingDamage = report.damage[...]
        let writer = try TapeWriter(path: path, header: reader.header)
        var lastTime = Timestamp.zero
        try reader.forEachFrame(skipDamaged: true) { recorded in
            while let damage = pendingDamage.first, (damage.frames?.lowerBound ?? Int.max) <= recorded.number {
                try writer.append(note(for: damage, at: lastTime))
                pendingDamage = pendingDamage.dropFirst()
            }
            try writer.append(recorded.frame)
            lastTime = recorded.frame.time
            report.framesCopied += 1
        }
        for damage in pendingDamage {
            try writer.append(note(for: damage, at: lastTime))
        }
        try writer.close()
        return report
    }

    private static func note(for damage: Damage, at time: Timestamp) -> Frame {
        Frame(time: time, direction: .inbound, connection: ConnectionID(0), kind: .annotation,
              payload: Array("tape repair: dropped \(damage)".utf8))
    }
}
