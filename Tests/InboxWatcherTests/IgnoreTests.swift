import Glibc
import InboxWatcher
import Testing
import TestSupport

@Suite("entries left alone", .timeLimit(.minutes(5)))
struct IgnoreTests {
    /// Creates every kind of entry that must not be reported, with `prefix` on their names.
    private func makeIgnoredEntries(in inbox: String, outside: String, prefix: String) throws {
        #expect(mkfifo(inbox + "/\(prefix)pipe", 0o644) == 0)
        try writeFile(outside + "/\(prefix)target.pdf")
        #expect(symlink(outside + "/\(prefix)target.pdf", inbox + "/\(prefix)link.pdf") == 0)
        #expect(symlink(outside, inbox + "/\(prefix)dirlink") == 0)
        #expect(symlink(inbox + "/missing", inbox + "/\(prefix)dangling.pdf") == 0)
        for name in [".\(prefix)hidden.pdf", "\(prefix)notes.pdf~", "\(prefix)a.part", "\(prefix)b.tmp", "\(prefix)c.partial",
            "\(prefix)d.crdownload", "\(prefix)e.swp", "\(prefix)f.PART"]
        {
            try writeFile(inbox + "/" + name)
        }
        #expect(mkdir(inbox + "/.\(prefix)hidden-dir", 0o755) == 0)
        #expect(mkdir(inbox + "/\(prefix)unzipping.tmp", 0o755) == 0)
    }

    @Test("fifos, symlinks, dot names, ~ and partial-download names are never reported")
    func ignored() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outside = try directory.subdirectory("outside")
            try makeIgnoredEntries(in: inbox, outside: outside, prefix: "before-")
            let outcome = try await watch(inbox, expected: 1) { _ in
                try makeIgnoredEntries(in: inbox, outside: outside, prefix: "after-")
                try writeFile(inbox + "/real.pdf", count: 3)
            }
            #expect(outcome.drops == [ObservedDrop(name: "real.pdf", kind: .file, content: "size=3")])
        }
    }
}
