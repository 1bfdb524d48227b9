import HeyGenAPI
import Testing

@Suite struct MediaTypeTests {
    @Test(arguments: MediaType.allCases)
    func detectsEachSupportedType(type: MediaType) {
        #expect(MediaType.detect(SampleMedia.signature(type)) == type)
        #expect(MediaType.detect(SampleMedia.bytes(type, size: 4096, seed: 9)) == type)
    }

    @Test func detectsMP3FromAFrameHeaderWithoutID3() {
        let frameOnly: [UInt8] = [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 28)
        #expect(MediaType.detect(frameOnly) == .mp3)
    }

    @Test("sample media: exactly the size asked, the same for the same seed, different for another")
    func sampleMedia() {
        let sample = SampleMedia.bytes(.mp4, size: 5000, seed: 3)
        #expect(sample.count == 5000)
        #expect(sample == SampleMedia.bytes(.mp4, size: 5000, seed: 3))
        #expect(sample != SampleMedia.bytes(.mp4, size: 5000, seed: 4))
        #expect(SampleMedia.bytes(.png, size: 1).count == SampleMedia.signature(.png).count)
        #expect(MediaType.detect(SampleMedia.pdf(text: "hello (world)")) == .pdf)
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
