/// A file type the HeyGen Assets API accepts, recognised from the file's first bytes.
///
/// Detection never looks at the file's name: a `.png` that is an ELF binary is not a PNG,
/// and a `.bin` that starts with `%PDF-` is a PDF.
public enum MediaType: String, Sendable, CaseIterable, Codable {
    case png, jpeg, mp4, webm, mp3, wav, pdf

    /// The MIME type the API reports for this type.
    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .mp4: "video/mp4"
        case .webm: "video/webm"
        case .mp3: "audio/mpeg"
        case .wav: "audio/wav"
        case .pdf: "application/pdf"
        }
    }

    /// The largest upload the API accepts, in bytes; a file of exactly this size is accepted.
    public static let maxUploadBytes: Int64 = 33_554_432

    /// How many leading bytes `detect(_:)` needs to decide.
    public static let sniffLength = 16

    /// The type whose signature the given leading bytes carry, or nil when none of the supported ones does.
    public static func detect(_ prefix: some Collection<UInt8>) -> MediaType? {
        let b = Array(prefix.prefix(sniffLength))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + signature.count && Array(b[offset..<offset + signature.count]) == signature
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts(Array("RIFF".utf8)) && starts(Array("WAVE".utf8), at: 8) { return .wav }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return .webm }
        if starts(Array("ftyp".utf8), at: 4) { return .mp4 }
        if starts(Array("ID3".utf8)) { return .mp3 }
        // An MPEG audio frame sync: 11 set bits, then a valid version and layer III.
        if b.count >= 2, b[0] == 0xFF, b[1] & 0xE0 == 0xE0, b[1] & 0x06 == 0x02, b[1] & 0x18 != 0x08 {
            return .mp3
        }
        return nil
    }
}
