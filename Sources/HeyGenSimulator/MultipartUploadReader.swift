import HeyGenAPI
import MultipartKit
import NIOCore

/// Reads the `file` part of a `multipart/form-data` upload as its body arrives, chunk by chunk.
///
/// The framing (delimiters, header syntax, the closing delimiter) is judged by multipart-kit's
/// streaming `MultipartParser`, never by code of this project, so the client's own encoder is not
/// checked by a parser from the same hands. This type only listens to what the parser reports and
/// keeps what the simulator answers with: the `file` part's size, its first bytes for type
/// detection, and its file name. It never holds more of the body than one slice being parsed plus
/// one part's header block (at most ``maxQuietBytes``).
///
/// Feed the body with ``feed(_:)`` in order, then call ``finish()`` once it has ended.
final class MultipartUploadReader {
    /// The most bytes the parser may take in without reporting part content or a part's end: bounds
    /// a part's header block (which the parser holds until it is complete) and a preamble.
    static let maxQuietBytes = 16 * 1024
    /// The body is handed to the parser in slices of at most this many bytes, so that the bound
    /// above is checked often whatever the size of the chunks the server delivers.
    private static let sliceBytes = 4 * 1024

    private let parser: MultipartParser
    /// What the parser reported about the part being read.
    private var part = PartInProgress()
    private var fileParts = 0
    private var completedParts = 0
    private var sizeBytes: Int64 = 0
    private var prefix: [UInt8] = []
    private var fileName: String?
    /// How many times the parser reported content or a part's end.
    private var reports = 0
    /// Bytes fed since the parser last reported content or a part's end.
    private var quietBytes = 0
    /// True while ``probe()`` runs the parser: what it reports then is not part of the body.
    private var probing = false

    /// True once the closing delimiter is known to have been seen; later bytes (the epilogue) are ignored.
    private(set) var isComplete = false

    /// A reader for a body whose Content-Type carries `boundary` (1 to 70 characters).
    init(boundary: String) {
        precondition(!boundary.isEmpty, "a multipart boundary is never empty")
        parser = MultipartParser(boundary: boundary)
        parser.onHeader = { [unowned self] name, value in
            guard !self.probing else { return }
            self.part.headers.append((name, value))
        }
        parser.onBody = { [unowned self] bytes in
            self.reports += 1
            guard !self.probing else { return }
            self.content(bytes.readableBytesView)
        }
        parser.onPartComplete = { [unowned self] in
            self.reports += 1
            guard !self.probing else { return }
            if !self.part.started { self.startContent() }
            self.completedParts += 1
            self.part = PartInProgress()
        }
    }

    /// Consumes the next chunk of the body. Throws ``MultipartUploadError/malformed`` when the parser
    /// refuses the bytes, or when a header block or preamble grows past ``maxQuietBytes``.
    func feed(_ chunk: ByteBuffer) throws(MultipartUploadError) {
        var chunk = chunk
        while !isComplete, chunk.readableBytes > 0 {
            let slice = chunk.readSlice(length: min(chunk.readableBytes, Self.sliceBytes))!
            let before = reports
            do {
                try parser.execute(slice)
            } catch {
                throw .malformed("invalid multipart syntax")
            }
            quietBytes = reports == before ? quietBytes + slice.readableBytes : 0
            if quietBytes > Self.maxQuietBytes {
                switch probe() {
                case .epilogue: isComplete = true
                case .preamble: throw .malformed("more than \(Self.maxQuietBytes) bytes before the first delimiter")
                case .insidePart: throw .malformed("a part's header block is larger than \(Self.maxQuietBytes) bytes")
                }
            }
        }
    }

    /// Call once the body has ended: the `file` part, or why the body is refused (no closing
    /// delimiter, no part named `file`, more than one).
    func finish() throws(MultipartUploadError) -> ReceivedFile {
        if !isComplete {
            guard probe() == .epilogue else { throw .malformed("the body ended before the closing delimiter") }
            isComplete = true
        }
        guard fileParts > 0 else { throw .noFilePart }
        guard fileParts == 1 else { throw .manyFileParts }
        return ReceivedFile(sizeBytes: sizeBytes, prefix: prefix, fileName: fileName)
    }

    /// Where the parser stands, as far as the reader cannot tell from what it reported.
    private enum Place { case preamble, insidePart, epilogue }

    /// Works out whether the parser has seen the closing delimiter, the one thing it does not report.
    ///
    /// After the closing delimiter the parser ignores every byte (the epilogue). Anywhere else a CR
    /// followed by a NUL makes it report something or throw: in a part's content both bytes are
    /// content (or end a delimiter it was matching); in a header block neither may stand where it
    /// lands. Only the preamble, before any part, also stays silent, and no part has ended there.
    /// The probe becomes part of what the parser has read, so call this only when no body bytes
    /// are to follow (the body ended, or it is refused unless this finds the epilogue).
    private func probe() -> Place {
        let before = reports
        probing = true
        defer { probing = false }
        do {
            try parser.execute([13, 0])
        } catch {
            return .insidePart
        }
        guard reports == before else { return .insidePart }
        return completedParts > 0 ? .epilogue : .preamble
    }

    /// The part's headers are complete: decides whether it is the file part.
    private func startContent() {
        let headers = MultipartPartHeaders(fields: part.headers)
        part.started = true
        part.isFile = headers.formName == "file"
        if part.isFile {
            fileParts += 1
            if fileParts == 1 { fileName = headers.fileName }
        }
    }

    /// Bytes of the current part's content.
    private func content(_ bytes: ByteBufferView) {
        if !part.started { startContent() }
        guard part.isFile, fileParts == 1 else { return }
        sizeBytes += Int64(bytes.count)
        if prefix.count < MediaType.sniffLength {
            prefix.append(contentsOf: bytes.prefix(MediaType.sniffLength - prefix.count))
        }
    }
}

/// What the parser has reported about the part it is reading.
private struct PartInProgress {
    /// Header fields in order, as the parser reported them.
    var headers: [(name: String, value: String)] = []
    /// True once the part's content (or its end) has been reported, so its headers are complete.
    var started = false
    /// True when the part is named `file`.
    var isFile = false
}

/// The `file` part of an upload, as measured while it arrived.
struct ReceivedFile: Sendable, Equatable {
    /// The content's size in bytes.
    var sizeBytes: Int64
    /// The content's first bytes (up to `MediaType.sniffLength`), for type detection.
    var prefix: [UInt8]
    /// The file name the part was sent with (`filename*` preferred over `filename`), if any.
    var fileName: String?
}
