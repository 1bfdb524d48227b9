import NIOCore
import SystemSupport

/// A file the simulator's file host serves: generated, deterministic per owner (video or translation) and
/// kind, of any size, read in pieces so even a many-GiB video is never held in memory.
///
/// Its bytes are `head`, then `pattern` repeated, then `tail`, `size` bytes in all.
struct SimulatedFile: Sendable {
    /// What a file is, which decides its name, type and content.
    enum Kind: String, Sendable, CaseIterable {
        case video = "video.mp4"
        case captionedVideo = "captioned.mp4"
        case subtitles = "subtitles.srt"
        case thumbnail = "thumbnail.jpg"
        case vttCaptions = "captions.vtt"
        case audio = "audio.mp3"

        /// The `Content-Type` it is served with.
        var contentType: String {
            switch self {
            case .video, .captionedVideo: "video/mp4"
            case .subtitles: "application/x-subrip"
            case .thumbnail: "image/jpeg"
            case .vttCaptions: "text/vtt"
            case .audio: "audio/mpeg"
            }
        }
    }

    let size: Int64
    private let head: [UInt8]
    private let pattern: [UInt8]
    private let tail: [UInt8]

    /// The file of `kind` for `ownerID`; videos are `videoSize` bytes (at least their headers).
    init(kind: Kind, ownerID: String, videoSize: Int64) {
        var random = SeededGenerator(seed: SimulatedFile.seed(ownerID + "/" + kind.rawValue))
        func noise(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            for index in stride(from: 0, to: count, by: 8) {
                withUnsafeBytes(of: random.next()) { word in
                    for offset in 0..<min(8, count - index) { bytes[index + offset] = word[offset] }
                }
            }
            return bytes
        }
        switch kind {
        case .video, .captionedVideo:
            // ftyp box (24 bytes), then an mdat box holding the rest.
            var head: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isommp42".utf8)
            let total = max(videoSize, 24 + 16)
            let mdat = UInt64(total - 24)
            if mdat <= UInt64(UInt32.max) {
                head += withUnsafeBytes(of: UInt32(mdat).bigEndian, Array.init) + Array("mdat".utf8)
            } else {
                head += withUnsafeBytes(of: UInt32(1).bigEndian, Array.init) + Array("mdat".utf8)
                head += withUnsafeBytes(of: mdat.bigEndian, Array.init)
            }
            self.init(size: total, head: head, pattern: noise(64 * 1024), tail: [])
        case .thumbnail:
            let head: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
            // Entropy-coded bytes never hold 0xFF unescaped: keep the noise below it.
            let body = noise(2048).map { $0 == 0xFF ? 0xFE : $0 }
            self.init(size: Int64(head.count + body.count + 2), head: head, pattern: body, tail: [0xFF, 0xD9])
        case .audio:
            let head: [UInt8] = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 0]
            self.init(size: 32 * 1024, head: head, pattern: noise(4096), tail: [])
        case .subtitles:
            let text = SimulatedFile.captions(ownerID, vtt: false)
            self.init(size: Int64(text.count), head: text, pattern: [], tail: [])
        case .vttCaptions:
            let text = SimulatedFile.captions(ownerID, vtt: true)
            self.init(size: Int64(text.count), head: text, pattern: [], tail: [])
        }
    }

    private init(size: Int64, head: [UInt8], pattern: [UInt8], tail: [UInt8]) {
        self.size = size
        self.head = head
        self.pattern = pattern
        self.tail = tail
    }

    /// The bytes from `offset`, at most `count` of them (fewer at the end).
    func bytes(at offset: Int64, count: Int) -> ByteBuffer {
        let end = min(size, offset + Int64(count))
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Int(max(0, end - offset)))
        var position = offset
        let tailStart = size - Int64(tail.count)
        while position < end {
            if position < Int64(head.count) {
                let upTo = min(end, Int64(head.count))
                buffer.writeBytes(head[Int(position)..<Int(upTo)])
                position = upTo
            } else if position >= tailStart {
                buffer.writeBytes(tail[Int(position - tailStart)..<Int(end - tailStart)])
                position = end
            } else {
                let inPattern = Int((position - Int64(head.count)) % Int64(pattern.count))
                let upTo = min(end, tailStart, position + Int64(pattern.count - inPattern))
                buffer.writeBytes(pattern[inPattern..<(inPattern + Int(upTo - position))])
                position = upTo
            }
        }
        return buffer
    }

    /// A small caption file (SubRip or WebVTT) naming `ownerID`.
    static func captions(_ ownerID: String, vtt: Bool) -> [UInt8] {
        let separator = vtt ? "." : ","
        var text = vtt ? "WEBVTT\n\n" : ""
        let lines = ["Hello from the HeyGen simulator.", "This is \(ownerID).", "Thank you for watching."]
        for (index, line) in lines.enumerated() {
            if !vtt { text += "\(index + 1)\n" }
            text += "00:00:0\(index * 2)\(separator)000 --> 00:00:0\(index * 2 + 1)\(separator)500\n\(line)\n\n"
        }
        return Array(text.utf8)
    }

    /// A 64-bit FNV-1a hash of `text`, seeding the file's bytes.
    static func seed(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
