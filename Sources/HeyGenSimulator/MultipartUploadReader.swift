import Crypto
import HeyGenAPI
import MultipartKit
import NIOCore

/// Reads a `multipart/form-data` upload with vapor/multipart-kit's streaming `MultipartParser`, learning
/// what the simulator needs of the `file` part (how many there are, its size, first bytes and file name)
/// without holding its content, and keeping the simulator's bounds while it parses.
///
/// Feed the body's chunks in order with `feed(_:)`, then call `finish()`. Each throws a `Failure` as soon as
/// the body breaks a rule; after a failure the reader must not be used again. Parsing costs CPU in
/// proportion to the body's size (multipart-kit reads it byte by byte), so the route runs it on NIO's thread
/// pool through `PooledMultipartReader`, never on the cooperative pool.
final class MultipartUploadReader {
    /// Why a body was refused.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The body is longer than the file limit plus its envelope.
        case bodyTooLarge
        /// The `file` part is larger than the file limit.
        case fileTooLarge
        /// A part's header block, or a run of bytes outside every part, is longer than allowed.
        case headersTooLarge
        /// The parser found a syntax error.
        case malformed
        /// The body ended before its closing delimiter.
        case truncated

        var description: String {
            switch self {
            case .bodyTooLarge: "the body is larger than the upload limit allows"
            case .fileTooLarge: "the file part is larger than the upload limit"
            case .headersTooLarge: "a part's header block, or the text outside the parts, is too large"
            case .malformed: "the multipart syntax is broken"
            case .truncated: "the body ended before the closing boundary"
            }
        }
    }

    /// What a complete body said about its parts.
    struct Summary: Sendable, Equatable {
        /// The form name of every part, in order (nil for a part without one).
        var partNames: [String?] = []
        /// How many parts are named `file`.
        var fileParts = 0
        /// The size of the first `file` part.
        var fileBytes: Int64 = 0
        /// The first `MediaType.sniffLength` bytes of the first `file` part.
        var prefix: [UInt8] = []
        /// The file name sent with the first `file` part.
        var fileName: String?
        /// The SHA-256 of the first `file` part's content, lowercase hex (set by `finish()`).
        var sha256 = ""
    }

    /// The most bytes given to the parser at once, so a bound is noticed within this many bytes.
    static let sliceBytes = 4096

    private let parser: MultipartParser
    private let tally: Tally
    private let limits: SimulatorLimits
    private var received: Int64 = 0
    /// The closing delimiter has been passed: the rest of the body is epilogue, ignored.
    private var closed = false

    /// A reader for a body whose Content-Type names `boundary` (1 to 70 characters), held to `limits`.
    init(boundary: String, limits: SimulatorLimits) {
        precondition(!boundary.isEmpty, "a multipart boundary is never empty")
        self.limits = limits
        let tally = Tally(maxHeaderBytes: limits.maxPartHeaderBytes, maxFileBytes: limits.maxUploadBytes)
        self.tally = tally
        parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in tally.header(name, value) }
        parser.onBody = { bytes in tally.body(bytes) }
        parser.onPartComplete = { tally.partComplete() }
    }

    /// Parses the next chunk of the body; throws as soon as it breaks a rule.
    func feed(_ chunk: ByteBuffer) throws {
        guard !closed else { return }
        received += Int64(chunk.readableBytes)
        guard received <= limits.maxBodyBytes else { throw Failure.bodyTooLarge }
        var rest = chunk
        while rest.readableBytes > 0 {
            let slice = rest.readSlice(length: min(rest.readableBytes, Self.sliceBytes))!
            tally.quietBytes += slice.readableBytes
            do {
                try parser.execute(slice)
            } catch {
                throw Failure.malformed
            }
            if let failure = tally.failure { throw failure }
            if tally.quietBytes > limits.maxPartHeaderBytes {
                // Nothing came out of that many bytes: a header still growing, a preamble, or the epilogue.
                guard passedClosingDelimiter() else { throw Failure.headersTooLarge }
                closed = true
                return
            }
        }
    }

    /// Call when the body has ended: what it said, or `Failure.truncated` unless its closing delimiter came.
    func finish() throws -> Summary {
        if !closed {
            guard passedClosingDelimiter() else { throw Failure.truncated }
            closed = true
        }
        var summary = tally.summary
        summary.sha256 = StorageSignature.hex(tally.hasher.finalize())
        return summary
    }

    /// True when the parser is past the closing delimiter. multipart-kit does not say so, but its grammar
    /// does: after the closing delimiter it ignores every byte, while anywhere else a NUL, CR, NUL probe is
    /// either part content (reported) or a syntax error inside a header block (thrown), and before the first
    /// delimiter no part has completed. The probe spoils the parser for anything but that answer.
    private func passedClosingDelimiter() -> Bool {
        guard tally.partsCompleted > 0 else { return false }
        let events = tally.events
        do {
            try parser.execute([0, 13, 0])
        } catch {
            return false
        }
        return tally.events == events
    }
}

/// What the parser's callbacks have reported so far.
private final class Tally {
    let maxHeaderBytes: Int
    let maxFileBytes: Int64
    var summary = MultipartUploadReader.Summary()
    /// Hashes the first `file` part's content as it comes.
    var hasher = SHA256()
    /// Callbacks so far.
    var events = 0
    /// Bytes fed since the last callback.
    var quietBytes = 0
    var partsCompleted = 0
    var failure: MultipartUploadReader.Failure?
    /// The current part's headers, and their size.
    private var headers: [(name: String, value: String)] = []
    private var headerBytes = 0
    /// Whether the current part is the (first) `file` part; nil while its headers are still coming.
    private var isFilePart: Bool?

    init(maxHeaderBytes: Int, maxFileBytes: Int64) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxFileBytes = maxFileBytes
    }

    func header(_ name: String, _ value: String) {
        noteEvent()
        headerBytes += name.utf8.count + value.utf8.count + 4  // ": " and CRLF
        if headerBytes > maxHeaderBytes { failure = failure ?? .headersTooLarge }
        headers.append((name, value))
    }

    func body(_ bytes: ByteBuffer) {
        noteEvent()
        guard startPart(), summary.fileParts == 1 else { return }
        summary.fileBytes += Int64(bytes.readableBytes)
        bytes.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        if summary.fileBytes > maxFileBytes { failure = failure ?? .fileTooLarge }
        if summary.prefix.count < MediaType.sniffLength {
            summary.prefix += bytes.readableBytesView.prefix(MediaType.sniffLength - summary.prefix.count)
        }
    }

    func partComplete() {
        noteEvent()
        _ = startPart()
        partsCompleted += 1
        headers = []
        headerBytes = 0
        isFilePart = nil
    }

    private func noteEvent() {
        events += 1
        quietBytes = 0
    }

    /// Decides, once the current part's headers are complete, whether it is a `file` part; true if it is.
    private func startPart() -> Bool {
        if let isFilePart { return isFilePart }
        let parsed = MultipartPartHeaders(fields: headers)
        let isFile = parsed.formName == "file"
        summary.partNames.append(parsed.formName)
        if isFile {
            summary.fileParts += 1
            if summary.fileParts == 1 { summary.fileName = parsed.fileName }
        }
        isFilePart = isFile
        return isFile
    }
}
