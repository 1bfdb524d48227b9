import Crypto
import Foundation
import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The upload reads an open descriptor: exactly the size given, never closing it, and reports the SHA-256 of
/// what it sent.
@Suite("Client upload from a descriptor", .timeLimit(.minutes(5)))
struct ClientUploadFileTests {
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Data(bytes)).map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }

    /// A PNG of `size` bytes (the sample padded with `fill`).
    static func png(size: Int, fill: UInt8) -> [UInt8] {
        SampleMedia.signature(.png) + [UInt8](repeating: fill, count: size - SampleMedia.signature(.png).count)
    }

    @Test("a file that grew after its size was taken: only that many bytes go out, hashed as sent; the descriptor stays open",
          arguments: [1000, 300_000])
    func sendsTheSizeGiven(size: Int) async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let path = directory.file("g.png")
                let original = Self.png(size: size, fill: 7)
                try Data(original).write(to: URL(fileURLWithPath: path))
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                try #require(fd >= 0)
                defer { close(fd) }
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(repeating: 9, count: 70_000))
                try handle.close()
                let asset = try await sim.client().uploadAsset(
                    file: UploadFile(descriptor: fd, size: Int64(size)), fileName: "g.png", idempotencyKey: "grown-\(size)")
                #expect(asset.sizeBytes == Int64(size))
                #expect(asset.sentSHA256 == Self.hex(original))
                #expect(fcntl(fd, F_GETFD) >= 0)
                #expect(sim.simulator.stats.uploadedBytes == Int64(size))
            }
        }
    }

    @Test("a file edited in place after it was hashed: the digest is of the bytes sent, not of the bytes checked")
    func digestIsOfWhatWasSent() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let path = directory.file("e.png")
                let original = Self.png(size: 200_000, fill: 1)
                try Data(original).write(to: URL(fileURLWithPath: path))
                let fd = open(path, O_RDWR | O_CLOEXEC)
                try #require(fd >= 0)
                defer { close(fd) }
                #expect(pwrite(fd, [UInt8](repeating: 2, count: 1000), 1000, 150_000) == 1000)
                var edited = original
                edited.replaceSubrange(150_000..<151_000, with: [UInt8](repeating: 2, count: 1000))
                let asset = try await sim.client().uploadAsset(
                    file: UploadFile(descriptor: fd, size: 200_000), fileName: "e.png", idempotencyKey: "edited")
                #expect(asset.sentSHA256 != Self.hex(original))
                #expect(asset.sentSHA256 == Self.hex(edited))
            }
        }
    }

    @Test("a file that ends before the size given fails as unreadable, without retrying", arguments: [2000, 300_000])
    func endsEarly(size: Int) async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let path = directory.file("s.png")
                try Data(Self.png(size: size, fill: 3)).write(to: URL(fileURLWithPath: path))
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                try #require(fd >= 0)
                defer { close(fd) }
                do {
                    _ = try await sim.client().uploadAsset(
                        file: UploadFile(descriptor: fd, size: Int64(size + 5000)), fileName: "s.png", idempotencyKey: "short-\(size)")
                    Issue.record("a short file was uploaded")
                } catch let error as HeyGenError {
                    #expect(error.category == .unreadable)
                    #expect(error.isRetryable == false)
                }
                #expect(sim.simulator.stats.uploads == 0)
                #expect(fcntl(fd, F_GETFD) >= 0)
            }
        }
    }
}
