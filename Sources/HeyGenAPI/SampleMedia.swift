import Foundation
import SystemSupport

/// Files that carry the signature of each supported type, as `MediaType.detect` recognises it: for the demo,
/// for trying the daemon out, and the one maker of sample media the tests use.
public enum SampleMedia {
    /// A file of `type` exactly `size` bytes long (never shorter than the signature), its bytes varied by `seed`.
    public static func bytes(_ type: MediaType, size: Int = 2048, seed: Int = 0) -> Data {
        var data = Data(signature(type))
        data.reserveCapacity(size)
        // Up to 1 KiB of pseudo-random bytes make each seed's content (and SHA-256) its own;
        // the rest is zeros, so even a 33 MB sample is made in a moment.
        var random = SeededGenerator(seed: UInt64(bitPattern: Int64(seed)))
        while data.count < min(size, 1024) {
            data.append(UInt8.random(in: .min ... .max, using: &random))
        }
        if data.count < size {
            data.append(Data(count: size - data.count))
        }
        return data
    }

    /// A small but well-formed one-page PDF saying `text`.
    public static func pdf(text: String) -> Data {
        let safe = text.replacingOccurrences(of: "(", with: "[").replacingOccurrences(of: ")", with: "]")
        let stream = "BT /F1 24 Tf 72 720 Td (\(safe)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var body = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(body.utf8.count)
            body += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = body.utf8.count
        body += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { body += String(format: "%010d 00000 n \n", offset) }
        body += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(body.utf8)
    }

    /// The leading bytes of a file of `type`, as a real encoder would begin it.
    public static func signature(_ type: MediaType) -> [UInt8] {
        switch type {
        case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
        case .jpeg: [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00]
        case .mp4: [0x00, 0x00, 0x00, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isom".utf8)
        case .webm: [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01]
        case .mp3: Array("ID3".utf8) + [0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        case .wav: Array("RIFF".utf8) + [0x24, 0x08, 0, 0] + Array("WAVEfmt ".utf8)
        case .pdf: Array("%PDF-1.4\n".utf8)
        case .srt: Array("1\n00:00:00,000 --> 00:00:02,000\n".utf8)
        }
    }
}
