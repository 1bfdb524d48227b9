import HeyGenAPI
import Testing

@Suite struct MediaTypeTests {
    @Test(arguments: MediaTypeSamples.all.map { ($0.type, $0.bytes) })
    func detectsEachSupportedType(type: MediaType, bytes: [UInt8]) {
        #expect(MediaType.detect(bytes) == type)
    }

    @Test func detectsMP3FromAFrameHeaderWithoutID3() {
        #expect(MediaType.detect(MediaTypeSamples.mp3FrameOnly) == .mp3)
    }

    @Test func refusesUnsupportedOrUnknownBytes() {
        let samples: [[UInt8]] = [
            [],
            [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00],  // ELF
            Array("hello, world\n".utf8),
            Array("GIF89a".utf8) + [0, 0, 0, 0],
            [0x00, 0x00, 0x00, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8),  // HEIF image
            [0x00, 0x00, 0x00, 0x14] + Array("ftypqt  ".utf8) + [0, 0, 0, 0] + Array("qt  ".utf8),  // QuickTime
            [0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88] + Array("matroska".utf8),  // MKV
            [0xFF, 0xFB, 0xF0, 0x00],  // frame sync with an invalid bitrate
            Array("RIFF".utf8) + [0, 0, 0, 0] + Array("AVI LIST".utf8),
            [0x89, 0x50, 0x4E, 0x47],  // truncated PNG signature
        ]
        for sample in samples {
            #expect(MediaType.detect(sample) == nil, "bytes \(sample.prefix(12))")
        }
    }

    @Test func ignoresBytesBeyondTheSniffLength() {
        let late = Array(repeating: UInt8(0), count: MediaType.sniffLength) + Array("%PDF-".utf8)
        #expect(MediaType.detect(late) == nil)
    }

    @Test func mimeTypesMatchTheAPI() {
        #expect(MediaType.png.mimeType == "image/png")
        #expect(MediaType.jpeg.mimeType == "image/jpeg")
        #expect(MediaType.mp4.mimeType == "video/mp4")
        #expect(MediaType.webm.mimeType == "video/webm")
        #expect(MediaType.mp3.mimeType == "audio/mpeg")
        #expect(MediaType.wav.mimeType == "audio/wav")
        #expect(MediaType.pdf.mimeType == "application/pdf")
        #expect(MediaType.maxUploadBytes == 33_554_432)
    }
}
