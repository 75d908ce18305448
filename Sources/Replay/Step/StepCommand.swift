import Foundation
import TapeCore

/// One command of the step debugger, as typed or read from a script (one per line; `#` starts a
/// comment; blank lines are skipped).
///
///     next [N]              n        apply the next frame (or N frames)
///     previous [N]          p        go back one frame (or N), re-running from a checkpoint
///     frame N               goto N   go to the state right after frame N
///     time SECONDS                   go to the state after the last frame at or before that time
///     match KEY=VALUE…               run to the next frame matching: direction=in|out, kind=text,
///                                    connection=0, contains=TEXT (keys may repeat; see FrameFilter)
///     break CONDITION                add a breakpoint (see StepCondition)
///     delete                         remove every breakpoint
///     continue              c        run until a breakpoint holds after a frame, or the end
///     until CONDITION                run until CONDITION holds after a frame, or the end
///     show                           the current frame raw, its events and the state diff it caused
///     state                          the whole state
///     where                          the current frame number and time
///     quit                  q        stop
public enum StepCommand: Equatable, Sendable {
    case next(Int)
    case previous(Int)
    case frame(Int)
    case time(Timestamp)
    case match(FrameFilter)
    case addBreak(StepCondition)
    case deleteBreaks
    case proceed
    case until(StepCondition)
    case show
    case state
    case whereAmI
    case quit

    /// Parses one line; nil for a blank or comment line.
    public static func parse(_ line: String) -> Result<StepCommand?, ConditionError> {
        let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let head = words.first else { return .success(nil) }
        let rest = Array(words.dropFirst())
        func count(_ name: String) -> Result<StepCommand?, ConditionError> {
            guard rest.count <= 1 else { return .failure(ConditionError("'\(name)' takes at most one number")) }
            guard let number = rest.first.map({ Int($0) }) ?? 1, number > 0 else {
                return .failure(ConditionError("'\(name)' takes a positive number of frames, not '\(rest[0])'"))
            }
            return .success(name == "next" ? .next(number) : .previous(number))
        }
        switch head {
        case "next", "n": return count("next")
        case "previous", "prev", "p": return count("previous")
        case "frame", "goto":
            guard rest.count == 1, let number = Int(rest[0]), number >= 0 else {
                return .failure(ConditionError("'\(head)' takes one frame number (from 0)"))
            }
            return .success(.frame(number))
        case "time":
            guard rest.count == 1, let time = parseSeconds(rest[0]) else {
                return .failure(ConditionError("'time' takes seconds since the tape's start, like 12 or 12.5"))
            }
            return .success(.time(time))
        case "match":
            return parseFilter(rest).map { .match($0) }
        case "break":
            return StepCondition.parse(rest).map { .addBreak($0) }
        case "until":
            return StepCondition.parse(rest).map { .until($0) }
        case "delete" where rest.isEmpty: return .success(.deleteBreaks)
        case "continue", "c": return rest.isEmpty ? .success(.proceed) : .failure(ConditionError("'continue' takes no argument"))
        case "show" where rest.isEmpty: return .success(.show)
        case "state" where rest.isEmpty: return .success(.state)
        case "where" where rest.isEmpty: return .success(.whereAmI)
        case "quit", "q", "exit": return .success(.quit)
        default:
            return .failure(ConditionError("unknown command '\(text.trimmingCharacters(in: .whitespaces))': use next, previous, frame N, time T, match KEY=VALUE, break COND, delete, continue, until COND, show, state, where or quit"))
        }
    }

    static func parseFilter(_ words: [String]) -> Result<FrameFilter, ConditionError> {
        guard !words.isEmpty else { return .failure(ConditionError("'match' needs at least one KEY=VALUE: direction, kind, connection, contains")) }
        var filter = FrameFilter()
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return .failure(ConditionError("'\(word)' is not KEY=VALUE")) }
            switch parts[0] {
            case "direction":
                guard let direction = Direction(name: parts[1]) else { return .failure(ConditionError("direction is in or out, not '\(parts[1])'")) }
                filter.directions.insert(direction)
            case "kind":
                guard let kind = FrameKind(name: parts[1]) else { return .failure(ConditionError("unknown kind '\(parts[1])'")) }
                filter.kinds.insert(kind)
            case "connection":
                guard let id = UInt32(parts[1]) else { return .failure(ConditionError("connection takes a number, not '\(parts[1])'")) }
                filter.connections.insert(ConnectionID(id))
            case "contains":
                filter.payloadContains = Array(parts[1].utf8)
            default:
                return .failure(ConditionError("unknown match key '\(parts[0])': use direction, kind, connection or contains"))
            }
        }
        return .success(filter)
    }

    static func parseSeconds(_ text: String) -> Timestamp? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0,
              parts.count == 1 || (parts[1].count <= 9 && parts[1].allSatisfy(\.isNumber)) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) + String(repeating: "0", count: 9 - parts[1].count) : "0"
        return Timestamp(nanoseconds: whole * 1_000_000_000 + (Int64(fraction) ?? 0))
    }
}

/// A parsed script: commands with their line numbers.
public struct StepScript: Sendable {
    public var commands: [(line: Int, command: StepCommand)]

    /// Parses every line; the first that does not parse is an error naming its line.
    public static func parse(_ text: String, name: String) throws(ReplayError) -> StepScript {
        var commands: [(Int, StepCommand)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            switch StepCommand.parse(String(line)) {
            case .success(let command): if let command { commands.append((index + 1, command)) }
            case .failure(let error):
                throw ReplayError(.badScript, place: "\(name) line \(index + 1)", error.message, remedy: "fix the line and run again")
            }
        }
        return StepScript(commands: commands)
    }
}
