import DropPipeline
import DropService
import Foundation
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
import SystemSupport
#endif

/// Prints one short line for every result that appears in the outbox (new, or replaced by a later job of
/// the same name), looking a few times a second, until graceful shutdown; a last look is taken then.
///
/// Results already in the outbox when the feed is made are not printed. Used by `demo`.
struct ResultFeed: Service, CustomStringConvertible {
    let outbox: String
    let interval: Duration
    let output: @Sendable (String) -> Void
    private let initial: [String: Stamp]

    /// A feed of the results written to `outbox` from now on, each line handed to `output`.
    init(outbox: String, interval: Duration = .milliseconds(250), output: @escaping @Sendable (String) -> Void) {
        self.outbox = outbox
        self.interval = interval
        self.output = output
        self.initial = Self.stamps(outbox)
    }

    var description: String { "result feed" }

    func run() async {
        let (outbox, interval, output, initial) = (self.outbox, self.interval, self.output, self.initial)
        var seen = await cancelWhenGracefulShutdown { () async -> [String: Stamp] in
            var seen = initial
            while !Task.isCancelled {
                Self.report(outbox, seen: &seen, output: output)
                try? await Task.sleep(for: interval)
            }
            return seen
        }
        Self.report(outbox, seen: &seen, output: output)
    }

    /// Prints the results that are new or changed since `seen`, oldest first, and remembers them.
    private static func report(_ outbox: String, seen: inout [String: Stamp], output: (String) -> Void) {
        let current = stamps(outbox)
        let changed = current.filter { seen[$0.key] != $0.value }.sorted { ($0.value.modified, $0.key) < ($1.value.modified, $1.key) }
        for (name, stamp) in changed {
            let path = "\(outbox)/\(name)"
            guard let data = FileManager.default.contents(atPath: path), let result = try? JobResult.decode(data) else {
                continue  // not a result (or unreadable): look again next time
            }
            seen[name] = stamp
            output(line(for: result, path: path))
        }
    }

    /// `welcome.png: succeeded; asset asset_1; video /…/outbox/brochure.pdf.mp4; /…/outbox/welcome.png.json`
    /// (the downloaded video, or its link when it was not downloaded).
    static func line(for result: JobResult, path: String) -> String {
        var parts = ["\(result.source.name): \(result.status.rawValue)"]
        let ids = result.assets.compactMap { asset in asset.assetID.map { asset.reused ? "\($0) (reused)" : $0 } }
        if !ids.isEmpty {
            parts.append("\(ids.count == 1 ? "asset" : "assets") \(ids.joined(separator: ", "))")
        }
        if let video = result.videoAgent {
            let file = result.downloads?.first { $0.kind == .video }?.path
            parts.append((file ?? video.videoURL).map { "video \($0)" } ?? "video \(video.status)")
        }
        if let error = result.error {
            parts.append("\(error.code.rawValue): \(error.message)")
        }
        parts.append(path)
        return parts.joined(separator: "; ")
    }

    /// Identity and modification time of a result file, to notice a replaced one.
    struct Stamp: Sendable, Equatable {
        var inode: UInt64
        var modified: Double
    }

    /// The result files (`*.json`, not dot-named) in `outbox`, by name.
    private static func stamps(_ outbox: String) -> [String: Stamp] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []
        var stamps: [String: Stamp] = [:]
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            var info = stat()
            guard stat("\(outbox)/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            stamps[name] = Stamp(inode: UInt64(info.st_ino), modified: modified)
        }
        return stamps
    }
}
