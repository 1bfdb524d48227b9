import Crypto
import Foundation
import HeyGenAPI
import TestSupport
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

#if canImport(Glibc)
import Glibc
#endif

/// Inbox entries are opened once relative to their folder, never through a symlink, never blocking, and
/// read through their descriptor only.
@Suite("inbox entry", .timeLimit(.minutes(5)))
struct InboxEntryTests {
    @Test("a regular file opens relative to its folder; identity, type and bytes come from the descriptor")
    func regularFile() async throws {
        try await withTemporaryDirectory { dir in
            let bytes = SampleMedia.bytes(.png, size: 5000, seed: 3)
            try bytes.write(to: URL(fileURLWithPath: dir.file("a.png")))
            let folder = try InboxEntry.openFolder(path: dir.path)
            let entry = try InboxEntry.open("a.png", in: folder).get()
            #expect(entry.type == .regular)
            #expect(entry.identity.size == 5000)
            var info = stat()
            #expect(lstat(dir.file("a.png"), &info) == 0)
            #expect(entry.identity == EntryIdentity(info))
            let inspected = try FileInspector.inspect(entry, name: "a.png")
            #expect(inspected.sha256 == sha256Hex(bytes))
            #expect(inspected.identity == entry.identity)
            // Renamed away and replaced: the descriptor still reads the checked bytes, the name leads elsewhere.
            #expect(rename(dir.file("a.png"), dir.file("moved.png")) == 0)
            try Data("other".utf8).write(to: URL(fileURLWithPath: dir.file("a.png")))
            #expect(try entry.readBounded(limit: 10_000) == bytes)
            #expect(InboxEntry.status(of: "a.png", in: folder)?.identity.isSameObject(as: entry.identity) == false)
            // A rename moves the change time: inspected again, it counts as changed.
            #expect(throws: SourceChanged.self) { try FileInspector.inspect(entry, name: "a.png") }
        }
    }

    @Test("a symlink is refused, never followed; a path with a slash is never opened")
    func symlinkRefused() async throws {
        try await withTemporaryDirectory { dir in
            let inbox = try dir.subdirectory("inbox")
            try Data("secret".utf8).write(to: URL(fileURLWithPath: dir.file("secret")))
            #expect(symlink(dir.file("secret"), "\(inbox)/x.prompt") == 0)
            let folder = try InboxEntry.openFolder(path: inbox)
            #expect(throws: InboxEntry.OpenFailure.symlink) { try InboxEntry.open("x.prompt", in: folder).get() }
            #expect(throws: InboxEntry.OpenFailure.missing) { try InboxEntry.open("../secret", in: folder).get() }
            #expect(throws: LocalProblem.self) { try Sidecars.openBeside(for: "x", inbox: folder) }
            let problem = try #require(throws: LocalProblem.self) { try FileInspector.open("x.prompt", in: folder, label: "x.prompt") }
            #expect(problem.code == .unsupportedType)
            // A symlinked folder is not opened as a bundle either.
            #expect(symlink(dir.path, "\(inbox)/b") == 0)
            #expect(throws: InboxEntry.OpenFailure.symlink) { try InboxEntry.open("b", in: folder, directory: true).get() }
        }
    }

    @Test("a FIFO opens at once without a writer and is refused as not a regular file; a socket is refused")
    func fifoAndSocket() async throws {
        try await withTemporaryDirectory { dir in
            #expect(mkfifo(dir.file("pipe.png"), 0o644) == 0)
            let folder = try InboxEntry.openFolder(path: dir.path)
            let fifo = try InboxEntry.open("pipe.png", in: folder).get()
            #expect(fifo.type == .other("a FIFO"))
            let problem = try #require(throws: LocalProblem.self) { try FileInspector.open("pipe.png", in: folder, label: "pipe.png") }
            #expect(problem.code == .unsupportedType)
            let socketPath = dir.file("sock.png")
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in socketPath.utf8.enumerated() { raw[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
            let refused = try #require(throws: LocalProblem.self) { try FileInspector.open("sock.png", in: folder, label: "sock.png") }
            #expect(refused.code == .unsupportedType)
        }
    }

    @Test("writing changes the identity even when the modification time is set back; reading does not")
    func identitySeesCtime() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("a.pdf")
            try SampleMedia.bytes(.pdf, size: 3000, seed: 1).write(to: URL(fileURLWithPath: path))
            let folder = try InboxEntry.openFolder(path: dir.path)
            let entry = try InboxEntry.open("a.pdf", in: folder).get()
            _ = try FileInspector.inspect(entry, name: "a.pdf")
            #expect(entry.currentIdentity()?.isUnchanged(comparedWith: entry.identity) == true)
            try await Task.sleep(for: .milliseconds(20))
            var before = stat()
            #expect(stat(path, &before) == 0)
            let fd = open(path, O_WRONLY)
            #expect(pwrite(fd, "XXXX", 4, 100) == 4)
            var times = [before.st_atim, before.st_mtim]
            #expect(futimens(fd, &times) == 0)
            close(fd)
            let now = try #require(entry.currentIdentity())
            #expect(now.mtimeNanoseconds == entry.identity.mtimeNanoseconds)
            #expect(now.size == entry.identity.size)
            #expect(!now.isUnchanged(comparedWith: entry.identity))
            #expect(now.isSameObject(as: entry.identity))
        }
    }

    @Test("a file that grew after it was opened is read only up to the size checked, then reported as changed")
    func growthStopsAtCheckedSize() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("g.png")
            try SampleMedia.bytes(.png, size: 4000, seed: 2).write(to: URL(fileURLWithPath: path))
            let folder = try InboxEntry.openFolder(path: dir.path)
            let entry = try InboxEntry.open("g.png", in: folder).get()
            #expect(truncate(path, 20 * 1024 * 1024 * 1024) == 0)
            #expect(throws: SourceChanged.self) { try FileInspector.inspect(entry, name: "g.png") }
            // Opened again, the size from fstat refuses it at once.
            let again = try InboxEntry.open("g.png", in: folder).get()
            let problem = try #require(throws: LocalProblem.self) { try FileInspector.inspect(again, name: "g.png") }
            #expect(problem.code == .tooLarge)
        }
    }

    @Test("a file that shrank after it was opened is reported as changed")
    func shrinkIsChange() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("s.png")
            try SampleMedia.bytes(.png, size: 400_000, seed: 2).write(to: URL(fileURLWithPath: path))
            let folder = try InboxEntry.openFolder(path: dir.path)
            let entry = try InboxEntry.open("s.png", in: folder).get()
            #expect(truncate(path, 1000) == 0)
            #expect(throws: SourceChanged.self) { try FileInspector.inspect(entry, name: "s.png") }
        }
    }

    @Test("reading is bounded: a huge sidecar is refused from its size, one growing while read stops at the bound")
    func boundedSidecars() async throws {
        try await withTemporaryDirectory { dir in
            let folder = try InboxEntry.openFolder(path: dir.path)
            let agent = dir.file("x.agent.json")
            try Data(#"{"prompt":"hi"}"#.utf8).write(to: URL(fileURLWithPath: agent))
            #expect(truncate(agent, 200 * 1024 * 1024) == 0)
            let beside = try Sidecars.openBeside(for: "x", inbox: folder)
            let problem = try #require(throws: LocalProblem.self) { try Sidecars.request(bundle: nil, bundleName: "x", beside: beside) }
            #expect(problem.code == .invalidSidecar)
            // Small when opened, huge when read: reading stops after the bound.
            let prompt = dir.file("y.prompt")
            try Data("hello".utf8).write(to: URL(fileURLWithPath: prompt))
            let entry = try InboxEntry.open("y.prompt", in: folder).get()
            #expect(truncate(prompt, 200 * 1024 * 1024) == 0)
            #expect(try entry.readBounded(limit: Sidecars.maxPromptFileBytes) == nil)
            let refused = try #require(throws: LocalProblem.self) { try Sidecars.read(entry, label: "y.prompt", json: false) }
            #expect(refused.code == .invalidSidecar)
            // Within the bounds, it is read.
            try Data(String(repeating: "é", count: VideoRequestSpec.maxPromptCharacters).utf8).write(to: URL(fileURLWithPath: prompt))
            let fits = try InboxEntry.open("y.prompt", in: folder).get()
            #expect(try Sidecars.read(fits, label: "y.prompt", json: false).prompt.count == VideoRequestSpec.maxPromptCharacters)
        }
    }

    @Test("a bundle is listed and its members opened through its descriptor, even after it was swapped for a symlink")
    func bundleThroughDescriptor() async throws {
        try await withTemporaryDirectory { dir in
            let inbox = try dir.subdirectory("inbox")
            let outside = try dir.subdirectory("outside")
            try FileManager.default.createDirectory(atPath: "\(inbox)/b", withIntermediateDirectories: false)
            let inside = SampleMedia.bytes(.png, size: 3000, seed: 5)
            try inside.write(to: URL(fileURLWithPath: "\(inbox)/b/one.png"))
            try SampleMedia.bytes(.png, size: 7000, seed: 6).write(to: URL(fileURLWithPath: "\(outside)/one.png"))
            #expect(symlink(dir.file("outside/one.png"), "\(inbox)/b/link.png") == 0)
            let folder = try InboxEntry.openFolder(path: inbox)
            let bundle = try InboxEntry.open("b", in: folder, directory: true).get()
            #expect(rename("\(inbox)/b", dir.file("elsewhere")) == 0)
            #expect(symlink(outside, "\(inbox)/b") == 0)
            #expect(try SourceCheck.memberNames(of: bundle, bundleName: "b") == ["one.png"])
            let member = try InboxEntry.open("one.png", in: bundle).get()
            #expect(try FileInspector.inspect(member, name: "one.png").sha256 == sha256Hex(inside))
            #expect(throws: InboxEntry.OpenFailure.symlink) { try InboxEntry.open("link.png", in: bundle).get() }
            // Checked from scratch, the symlink in its place is refused.
            let check = SourceCheck.run(name: "b", isBundle: true, inbox: folder, maxVideoFiles: 20, maxBundleFiles: 1000, logger: .init(label: "test"))
            #expect((check.problem as? LocalProblem)?.code == .unsupportedType)
            #expect(check.main == nil)
        }
    }
}

