import DropHTTP
import DropQueue
import Foundation
import TestSupport
import Testing

@testable import DropOperator

/// The dashboard's and the metrics' counts by profile: every configured profile in every state, from the
/// queue's real SQLite file.
@Suite(.timeLimit(.minutes(2))) struct DashboardProfileCountsTests {
    @Test func countsAreSplitByProfileAndEveryConfiguredProfileIsListed() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteQueueStore.open(path: directory.file("queue.sqlite3"), logger: quietLogger())
            let jobs = [("a", "x.pdf"), ("a", "y.pdf"), ("b", "z.pdf")].map { profile, name in
                NewJob(sourceName: name, kind: "file", fingerprint: "\(profile)-\(name)", profile: profile)
            }
            _ = try await store.enqueue(jobs)

            let reader = DashboardReader(queue: store, transfers: nil, profiles: ["a", "b", "idle"])
            let snapshot = try await reader.read()
            func count(_ profile: String, _ state: String) -> Int? {
                snapshot.counts.first { $0.profile == profile && $0.state == state }?.count
            }
            #expect(count("a", "queued") == 2)
            #expect(count("b", "queued") == 1)
            #expect(count("idle", "queued") == 0, "a configured profile with no jobs is listed with zeros")
            #expect(count("default", "queued") == nil, "no profile named default when profiles are declared")

            let registry = MetricsRegistry()
            registry.record(snapshot, states: DashboardReader.states)
            let text = String(decoding: registry.exposition(), as: UTF8.self)
            #expect(text.contains(#"heygen_dropd_jobs{profile="a",state="queued"} 2"#), "\(text)")
            #expect(text.contains(#"heygen_dropd_jobs{profile="b",state="queued"} 1"#))
            #expect(!text.contains(#"profile="default""#))

            // One profile: the counts table, labelled with its name.
            let single = try await DashboardReader(queue: store, transfers: nil, profiles: ["only"]).read()
            #expect(single.counts.first { $0.state == "queued" }.map { ($0.profile, $0.count) } ?? ("", 0) == ("only", 3))
        }
    }
}
