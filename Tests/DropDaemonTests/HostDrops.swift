import Foundation
import HeyGenAPI
import TestSupport

/// What a test dropped into the shared inbox: the sources (small distinct PNGs, and PDFs with a prompt
/// sidecar asking for a Video Agent video), their checksums, and the sidecars.
struct HostDrops {
    /// SHA-256 of each source's bytes, by name.
    private(set) var checksums: [String: String] = [:]
    /// The sources that ask for a video.
    private(set) var videos: [String] = []
    /// The prompt sidecars.
    private(set) var sidecars: [String] = []
    private var seed = 10_000

    /// Drops `videos` PDFs (each after its prompt sidecar) and `files` PNGs named `prefix-…`; returns the
    /// sources' names.
    mutating func drop(into h: DaemonHarness, prefix: String, files: Int, videos: Int) throws -> [String] {
        var names: [String] = []
        for index in 0..<videos {
            let name = "\(prefix)-video-\(index).pdf"
            try h.drop("\(name).prompt", Data("Explain page \(index) of \(prefix).\n".utf8))
            try add(name, SampleMedia.bytes(.pdf, seed: next()), into: h)
            sidecars.append("\(name).prompt")
            self.videos.append(name)
            names.append(name)
        }
        for index in 0..<files {
            let name = "\(prefix)-\(index).png"
            try add(name, SampleMedia.bytes(.png, seed: next()), into: h)
            names.append(name)
        }
        return names
    }

    private mutating func add(_ name: String, _ bytes: Data, into h: DaemonHarness) throws {
        checksums[name] = sha256Hex(bytes)
        try h.drop(name, bytes)
    }

    private mutating func next() -> Int {
        seed += 1
        return seed
    }
}
