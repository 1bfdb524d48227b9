import Glibc
import InboxWatcher
import Testing
import TestSupport

@Suite("sourceFingerprint", .timeLimit(.minutes(5)))
struct FingerprintTests {
    @Test("dev:ino:size:mtime_ns, changes with the content, nil when gone")
    func fingerprint() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("a.pdf")
            try writeFile(path, count: 10)
            let first = try #require(sourceFingerprint(path: path))
            let parts = first.split(separator: ":")
            #expect(parts.count == 4)
            #expect(parts.allSatisfy { UInt64($0) != nil })
            #expect(parts[2] == "10")
            #expect(sourceFingerprint(path: path) == first)

            try writeFile(path, count: 11)
            #expect(sourceFingerprint(path: path) != first)

            unlink(path)
            #expect(sourceFingerprint(path: path) == nil)
        }
    }

    @Test("a symlink is described, not followed")
    func symlinkNotFollowed() async throws {
        try await withTemporaryDirectory { directory in
            let target = directory.file("target.pdf")
            try writeFile(target, count: 1000)
            let link = directory.file("link.pdf")
            #expect(symlink(target, link) == 0)
            let linkPrint = try #require(sourceFingerprint(path: link))
            #expect(linkPrint != sourceFingerprint(path: target))
            #expect(linkPrint.split(separator: ":")[2] == "\(target.utf8.count)")

            unlink(target)
            #expect(sourceFingerprint(path: link) != nil)
        }
    }
}
