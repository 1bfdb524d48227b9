import Foundation
import HeyGenAPI
import Testing
import TestSupport

/// `.srt` (SubRip) joins the local type check, and goes up like the other types.
@Suite struct SubRipDetectionTests {
    static let accepted: [String] = [
        "1\n00:00:01,000 --> 00:00:04,500\nHello\n",
        "1\r\n00:00:01,000 --> 00:00:04,500\r\nHello\r\n",
        "\u{FEFF}1\n00:00:01,000 --> 00:00:04,500\n",
        "\n\r\n12\n01:02:03,004 --> 01:02:05,000\n",
        "7  \n00:00:00,000-->00:00:01,000\n",
        "123456789\n100:59:59,999 --> 101:00:00,000\n",
    ]
    static let refused: [String] = [
        "",
        "1\n",
        "hello\n00:00:01,000 --> 00:00:04,500\n",
        "1 00:00:01,000 --> 00:00:04,500\n",
        "1\n00:00:01.000 --> 00:00:04.500\n",  // WebVTT-style dots
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.500\n",
        "1\n00:60:01,000 --> 00:00:04,500\n",
        "1\n00:00:01,000 -> 00:00:04,500\n",
        "1\n00:00:01,000 --> 00:00:04,50",  // cut short
        "1234567890\n00:00:01,000 --> 00:00:04,500\n",  // a ten-digit cue number
        "\u{FEFF}\u{FEFF}1\n00:00:01,000 --> 00:00:04,500\n",
    ]

    @Test(arguments: accepted) func recognisesSubRip(_ text: String) {
        #expect(MediaType.detect(Array(text.utf8)) == .srt)
        #expect(MediaType.isSubRip(Array(text.utf8)))
    }

    @Test(arguments: refused) func refusesWhatIsNotSubRip(_ text: String) {
        #expect(MediaType.detect(Array(text.utf8)) == nil)
    }

    @Test func theMimeTypeIsSubRip() {
        #expect(MediaType.srt.mimeType == "application/x-subrip")
        #expect(MediaType.srt.rawValue == "srt")
    }

    @Test(.timeLimit(.minutes(2))) func anSRTFileUploadsLikeTheOthers() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("talk.srt")
            try writeFile(path, Array(Self.accepted[1].utf8))
            try await withSimulator { sim in
                let asset = try await sim.client().uploadAsset(path: path, fileName: "talk.srt", idempotencyKey: "srt-1")
                #expect(asset.mimeType == "application/x-subrip")
                #expect(asset.sizeBytes == Int64(Self.accepted[1].utf8.count))
            }
        }
    }
}
