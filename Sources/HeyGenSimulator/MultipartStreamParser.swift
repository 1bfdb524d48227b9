#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses a `multipart/form-data` body as it arrives, chunk by chunk, without holding more of it
/// than one chunk plus a delimiter's length.
///
/// Feed it the body's chunks in order; it reports each part's headers, the part's bytes (possibly in
/// many pieces) and the part's end. A delimiter split across two chunks is found all the same.
struct MultipartStreamParser {
    /// What the parser found in the bytes fed so far.
    enum Event {
        /// A part starts; its headers are complete.
        case partBegin(MultipartPartHeaders)
        /// Bytes of the current part's content (a part may deliver any number of these).
        case data(ArraySlice<UInt8>)
        /// The current part ended.
        case partEnd
    }

    /// Why a body is not a valid multipart body.
    enum ParseError: Error, CustomStringConvertible {
        case headersTooLarge
        case malformedDelimiterLine
        case truncated

        var description: String {
            switch self {
            case .headersTooLarge: "a part's header block is too large"
            case .malformedDelimiterLine: "unexpected bytes after a boundary delimiter"
            case .truncated: "the body ended before the closing boundary"
            }
        }
    }

    private enum State { case preamble, afterDelimiter, headers, body, epilogue }

    /// The largest header block a part may have.
    static let maxHeaderBytes = 16 * 1024

    private static let cr: UInt8 = 13
    private static let lf: UInt8 = 10
    private static let crlf: [UInt8] = [13, 10]
    private static let headerEnd: [UInt8] = [13, 10, 13, 10]

    /// CRLF "--" boundary: what ends a part's content.
    private let delimiter: [UInt8]
    /// Bytes received but not yet reported. Starts with a CRLF so that a first delimiter at the very
    /// start of the body (which has no CRLF before it) is found like every other one.
    private var pending: [UInt8] = [13, 10]
    private var state = State.preamble

    /// A parser for a body whose Content-Type carries `boundary`.
    init(boundary: String) {
        delimiter = Self.crlf + Array("--\(boundary)".utf8)
    }

    /// True once the closing delimiter has been seen; later bytes (the epilogue) are ignored.
    var isComplete: Bool { state == .epilogue }

    /// Consumes the next chunk of the body, reporting what it completes through `handle`.
    mutating func feed(_ bytes: some Collection<UInt8>, _ handle: (Event) throws -> Void) throws {
        if state == .epilogue { return }
        pending.append(contentsOf: bytes)
        var start = 0
        defer { pending.removeFirst(start) }
        scanning: while true {
            switch state {
            case .preamble:
                if let found = find(delimiter, from: start) {
                    start = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    start = max(start, pending.count - (delimiter.count - 1))
                    break scanning
                }

            case .afterDelimiter:
                guard pending.count - start >= 2 else { break scanning }
                if pending[start] == UInt8(ascii: "-") && pending[start + 1] == UInt8(ascii: "-") {
                    state = .epilogue
                    start = pending.count
                    break scanning
                }
                guard let lineEnd = find(Self.crlf, from: start) else {
                    if pending.count - start > 256 { throw ParseError.malformedDelimiterLine }
                    break scanning
                }
                // Only transport padding (spaces, tabs) may sit between a delimiter and its CRLF.
                guard pending[start..<lineEnd].allSatisfy({ $0 == 32 || $0 == 9 }) else {
                    throw ParseError.malformedDelimiterLine
                }
                start = lineEnd + 2
                state = .headers

            case .headers:
                guard pending.count - start >= 2 else { break scanning }
                if pending[start] == Self.cr && pending[start + 1] == Self.lf {
                    // A part without headers.
                    start += 2
                    state = .body
                    try handle(.partBegin(MultipartPartHeaders(block: [])))
                    continue scanning
                }
                guard let blockEnd = find(Self.headerEnd, from: start) else {
                    if pending.count - start > Self.maxHeaderBytes { throw ParseError.headersTooLarge }
                    break scanning
                }
                let headers = MultipartPartHeaders(block: pending[start..<blockEnd])
                start = blockEnd + 4
                state = .body
                try handle(.partBegin(headers))

            case .body:
                if let found = find(delimiter, from: start) {
                    if found > start { try handle(.data(pending[start..<found])) }
                    try handle(.partEnd)
                    start = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    // Everything but a tail that could be the start of a delimiter is content.
                    let safeEnd = pending.count - (delimiter.count - 1)
                    if safeEnd > start {
                        try handle(.data(pending[start..<safeEnd]))
                        start = safeEnd
                    }
                    break scanning
                }

            case .epilogue:
                start = pending.count
                break scanning
            }
        }
    }

    /// Call when the body has ended: throws unless the closing delimiter was seen.
    func finish() throws {
        guard state == .epilogue else { throw ParseError.truncated }
    }

    /// The index in `pending` (at or after `from`) where `needle` starts, if it occurs.
    /// Every needle here starts with CR, so candidates are found with `memchr`.
    private func find(_ needle: [UInt8], from: Int) -> Int? {
        let count = needle.count
        guard pending.count - from >= count else { return nil }
        return pending.withUnsafeBufferPointer { hay -> Int? in
            needle.withUnsafeBufferPointer { target -> Int? in
                guard let base = hay.baseAddress, let targetBase = target.baseAddress else { return nil }
                let lastStart = hay.count - count
                var position = from
                while position <= lastStart {
                    guard let hit = memchr(base + position, Int32(target[0]), lastStart - position + 1) else {
                        return nil
                    }
                    let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, targetBase, count) == 0 { return index }
                    position = index + 1
                }
                return nil
            }
        }
    }
}
