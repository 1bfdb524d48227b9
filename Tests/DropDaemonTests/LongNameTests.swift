import Foundation
import HeyGenAPI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

/// Defect: a name over ~243 bytes looped forever (`File name too long` for `NAME.json.tmp-N`).
@Suite("Long names", .serialized)
struct LongNameTests {
    @Test("the mapping: short names unchanged, long ones cut between characters with a SHA-256 tag")
    func mapping() {
        #expect(FittedName.result(for: "report.pdf") == "report.pdf.json")
        #expect(FittedName.hash8("abc") == "ba7816bf")  // SHA-256("abc") = ba7816bf…
        // 250 bytes: NAME.json is exactly 255 and kept; its temporary name is the one shortened.
        let fits = String(repeating: "a", count: 246) + ".png"
        #expect(FittedName.result(for: fits) == fits + ".json")
        let temporary = FittedName.fit(fits, prefix: ".", suffix: ".json.tmp-42")
        #expect(temporary.utf8.count == 255 && temporary.hasPrefix(".aaa") && temporary.hasSuffix("~" + FittedName.hash8(fits) + ".json.tmp-42"))
        let ascii = String(repeating: "a", count: 247) + ".png"
        let mapped = FittedName.result(for: ascii)
        #expect(mapped.utf8.count == 255)
        #expect(mapped == String(repeating: "a", count: 241) + "~" + FittedName.hash8(ascii) + ".json")
        // 125 two-byte characters and "x.png": 255 bytes; the cut falls between characters (240 bytes, not 241).
        let wide = String(repeating: "é", count: 125) + "x.png"
        #expect(wide.utf8.count == 255)
        let wideMapped = FittedName.result(for: wide)
        #expect(wideMapped == String(repeating: "é", count: 120) + "~" + FittedName.hash8(wide) + ".json")
        #expect(wideMapped.utf8.count <= 255)
        #expect(FittedName.fit(wide, prefix: ".", suffix: ".json.tmp-123456").utf8.count <= 255)
        // Suffixed names in archive/ and failed/ fit too, leaving room for the sidecars' endings.
        let suffixed = FittedName.suffixed(ascii, 12, isDirectory: false, reserve: 7)
        #expect(suffixed.utf8.count + 7 <= 255)
        #expect(suffixed.hasSuffix("~" + FittedName.hash8(ascii) + "-12.png"))
        #expect(FittedName.suffixed("report.pdf", 2, isDirectory: false) == "report-2.pdf")
        #expect(FittedName.suffixed("launch", 2, isDirectory: true) == "launch-2")
    }

    @Test("files named with 250 and 255 bytes finish; results are found by the mapping; sources reach archive/", .timeLimit(.minutes(3)))
    func longNamesFinish() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let long = String(repeating: "l", count: 246) + ".png"
            let longest = String(repeating: "é", count: 125) + "x.png"
            #expect(long.utf8.count == 250)
            #expect(longest.utf8.count == 255)
            // The longest name also meets a namesake already in archive/: its suffixed name must fit as well.
            _ = FileManager.default.createFile(atPath: "\(h.archive)/\(longest)", contents: Data("older".utf8))
            for (index, name) in [long, longest].enumerated() {
                let staging = h.root.file("staging-\(index)")
                try SampleMedia.bytes(.png, seed: 700 + index).write(to: URL(fileURLWithPath: staging))
                #expect(rename(staging, "\(h.inbox)/\(name)") == 0)
            }
            let expected = [long, longest].map { FittedName.result(for: $0) }
            _ = try await eventually("both results are written", timeout: .seconds(60)) {
                Set(expected).isSubset(of: h.resultNames()) ? true : nil
            }
            #expect(expected[0] == long + ".json")  // 255 bytes: fits as it is
            #expect(expected[1].contains("~"))  // 260 bytes would not: shortened with the hash
            for (name, file) in zip([long, longest], expected) {
                #expect(file.utf8.count <= 255)
                let result = try ResultFile(path: "\(h.outbox)/\(file)")
                #expect(result.status == "succeeded")
                #expect(result.json["source"]?["name"]?.string == name)
            }
            #expect(h.list(h.inbox).isEmpty)
            let archived = h.list(h.archive)
            #expect(archived.contains(long))
            #expect(archived.contains(longest))
            #expect(archived.count == 3)
            #expect(archived.allSatisfy { $0.utf8.count <= 255 })
            let moved = try ResultFile(path: "\(h.outbox)/\(expected[1])").movedTo ?? ""
            #expect(moved.hasPrefix("\(h.archive)/") && moved != "\(h.archive)/\(longest)")
            #expect(FileManager.default.fileExists(atPath: moved))
            #expect(!h.list(h.outbox).contains { $0.hasPrefix(".") })
            #expect(!daemon.logText.contains("File name too long"))
            #expect(try await daemon.stop() == 0)
        }
    }
}
