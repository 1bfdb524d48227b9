/// A file type the HeyGen Assets API accepts, recognised from the file's first bytes.
///
/// Detection never looks at the file's name: a `.png` that is an ELF binary is not a PNG,
/// and a `.bin` that starts with `%PDF-` is a PDF.
public enum MediaType: String, Sendable, CaseIterable, Codable {
    case png, jpeg, mp4, webm, mp3, wav, pdf
    /// SubRip subtitles (text): see `isSubRip(_:)`.
    case srt

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
        case .srt: "application/x-subrip"
        }
    }

    /// The largest upload the API accepts, in bytes; a file of exactly this size is accepted.
    public static let maxUploadBytes: Int64 = 33_554_432

    /// How many leading bytes `detect(_:)` needs to decide.
    public static let sniffLength = 64

    /// ISO-BMFF brands (`ftyp` major brand) that are not MP4 video: HEIF/AVIF images, QuickTime movies.
    private static let nonMP4Brands: Set<String> = [
        "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "avif", "avis", "qt  ", "crx ",
    ]

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
        if starts([0x1A, 0x45, 0xDF, 0xA3]) {
            // An EBML file: WebM unless its DocType (element 0x4282) says another Matroska flavour.
            if let docType = ebmlDocType(b) { return docType == "webm" ? .webm : nil }
            return .webm
        }
        if starts(Array("ftyp".utf8), at: 4) {
            guard b.count >= 12 else { return .mp4 }
            let brand = String(decoding: b[8..<12], as: UTF8.self)
            return nonMP4Brands.contains(brand) ? nil : .mp4
        }
        if starts(Array("ID3".utf8)) { return .mp3 }
        // An MPEG audio frame header: 11 set bits, a valid version, layer III, a valid bitrate and sample rate.
        if b.count >= 3, b[0] == 0xFF, b[1] & 0xE0 == 0xE0, b[1] & 0x06 == 0x02, b[1] & 0x18 != 0x08,
            b[2] >> 4 != 0x0F, (b[2] >> 2) & 0x03 != 0x03
        {
            return .mp3
        }
        if isSubRip(b) { return .srt }
        return nil
    }

    /// The DocType string of an EBML header found in `bytes` (`webm`, `matroska`, ...), nil when not within them.
    private static func ebmlDocType(_ bytes: [UInt8]) -> String? {
        var index = 4
        while index + 3 < bytes.count {
            if bytes[index] == 0x42, bytes[index + 1] == 0x82 {
                let sizeByte = bytes[index + 2]
                // A one-byte EBML size (0x80 | length) is what muxers write for a DocType.
                guard sizeByte & 0x80 != 0 else { return nil }
                let length = Int(sizeByte & 0x7F)
                let start = index + 3
                guard length > 0, start + length <= bytes.count else { return nil }
                return String(decoding: bytes[start..<start + length], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }
}
