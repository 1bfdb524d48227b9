import DropDemo
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Collects the lines a log handler writes, for inspection.
final class CapturedLogLines: Sendable {
    private let storage = Mutex<[String]>([])

    /// The sink to give a handler.
    var sink: @Sendable (String) -> Void {
        { line in self.storage.withLock { $0.append(line) } }
    }

    /// Everything written so far, in order.
    var lines: [String] { storage.withLock { $0 } }
}

@Suite("Log handlers")
struct LogHandlerTests {
    private func jsonObject(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false, "one object per line")
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    private static let timePattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#

    @Test func jsonLinesCarryTheFixedFieldsAndFlattenedMetadata() throws {
        let captured = CapturedLogLines()
        let logger = Logger(label: "heygen-dropd") { label in
            JSONLogHandler(label: label, level: .info, write: captured.sink)
        }
        logger.info("uploaded \"report\"\nsecond line", metadata: ["job": "17", "file": "report.pdf"])
        logger.debug("not written")

        let lines = captured.lines
        try #require(lines.count == 1)
        let object = try jsonObject(lines[0])
        #expect(object["level"] as? String == "info")
        #expect(object["message"] as? String == "uploaded \"report\"\nsecond line")
        #expect(object["label"] as? String == "heygen-dropd")
        #expect(object["job"] as? String == "17")
        #expect(object["file"] as? String == "report.pdf")
        let time = try #require(object["time"] as? String)
        #expect(time.range(of: Self.timePattern, options: .regularExpression) != nil, "time was \(time)")
        #expect(lines[0].hasPrefix("{\"time\":"))
    }

    @Test func jsonValuesKeepTheirShape() throws {
        let captured = CapturedLogLines()
        var logger = Logger(label: "heygen-dropd.pipeline") { label in
            JSONLogHandler(label: label, level: .trace, write: captured.sink)
        }
        logger[metadataKey: "worker"] = "2"
        struct Failure: Error, CustomStringConvertible { var description: String { "disk full" } }
        logger.warning(
            "mixed",
            error: Failure(),
            metadata: [
                "attempts": .stringConvertible(3),
                "ratio": .stringConvertible(0.5),
                "reused": .stringConvertible(true),
                "nested": .dictionary(["a": "x", "b": .array(["1", "2"])]),
                "message": "clashes with a fixed key",
                "control": "tab\there\u{01}",
            ]
        )
        let object = try jsonObject(try #require(captured.lines.first))
        #expect(object["message"] as? String == "mixed")
        #expect(object["meta.message"] as? String == "clashes with a fixed key")
        #expect(object["label"] as? String == "heygen-dropd.pipeline")
        #expect(object["level"] as? String == "warning")
        #expect(object["worker"] as? String == "2")
        #expect((object["attempts"] as? NSNumber)?.intValue == 3)
        #expect(object["attempts"] as? String == nil)
        #expect((object["ratio"] as? NSNumber)?.doubleValue == 0.5)
        #expect(object["reused"] as? Bool == true)
        let nested = try #require(object["nested"] as? [String: Any])
        #expect(nested["a"] as? String == "x")
        #expect(nested["b"] as? [String] == ["1", "2"])
        #expect(object["control"] as? String == "tab\there\u{01}")
        #expect(object["error"] as? String == "disk full")
    }

    @Test func callMetadataOverridesHandlerMetadata() throws {
        let captured = CapturedLogLines()
        var logger = Logger(label: "heygen-dropd") { label in
            JSONLogHandler(label: label, write: captured.sink)
        }
        logger[metadataKey: "job"] = "1"
        logger.info("override", metadata: ["job": "2"])
        let object = try jsonObject(try #require(captured.lines.first))
        #expect(object["job"] as? String == "2")
    }

    @Test func textLineHasTimestampLevelLabelMessageAndSortedMetadata() throws {
        let captured = CapturedLogLines()
        let logger = Logger(label: "heygen-dropd") { label in
            TextLogHandler(label: label, level: .info, write: captured.sink)
        }
        logger.info("uploaded", metadata: ["job": "17", "file": "report.pdf"])
        logger.notice("odd values", metadata: ["name": "my report.pdf", "empty": "", "eq": "a=b"])
        logger.error("two\nlines")
        logger.debug("not written")

        let lines = captured.lines
        try #require(lines.count == 3)
        let first = lines[0]
        #expect(first.hasSuffix(" info heygen-dropd: uploaded file=report.pdf job=17\n"), "got \(first)")
        let stamp = String(first.prefix(while: { $0 != " " }))
        #expect(stamp.range(of: Self.timePattern, options: .regularExpression) != nil, "time was \(stamp)")
        #expect(lines[1].hasSuffix(#" notice heygen-dropd: odd values empty="" eq="a=b" name="my report.pdf""# + "\n"))
        #expect(lines[2].hasSuffix(" error heygen-dropd: two\\nlines\n"), "got \(lines[2])")
        for line in lines { #expect(line.dropLast().contains("\n") == false) }
    }

    @Test func journalModeUsesSyslogPrioritiesWithoutTimestamp() throws {
        let captured = CapturedLogLines()
        let logger = Logger(label: "heygen-dropd") { label in
            TextLogHandler(label: label, level: .trace, journal: true, write: captured.sink)
        }
        logger.trace("t")
        logger.debug("d")
        logger.info("i", metadata: ["job": "3"])
        logger.notice("n")
        logger.warning("w")
        logger.error("e")
        logger.critical("c")
        #expect(
            captured.lines == [
                "<7>trace heygen-dropd: t\n",
                "<7>debug heygen-dropd: d\n",
                "<6>info heygen-dropd: i job=3\n",
                "<5>notice heygen-dropd: n\n",
                "<4>warning heygen-dropd: w\n",
                "<3>error heygen-dropd: e\n",
                "<2>critical heygen-dropd: c\n",
            ]
        )
    }

    @Test func jsonJournalModePrefixesPriorityBeforeTheObject() throws {
        let captured = CapturedLogLines()
        let logger = Logger(label: "heygen-dropd") { label in
            JSONLogHandler(label: label, journal: true, write: captured.sink)
        }
        logger.error("broken", metadata: ["job": "9"])
        let line = try #require(captured.lines.first)
        #expect(line.hasPrefix("<3>{"))
        let object = try jsonObject(String(line.dropFirst(3)))
        #expect(object["message"] as? String == "broken")
        #expect(object["job"] as? String == "9")
    }

    @Test func formatHandlersFollowTheSetting() throws {
        let captured = CapturedLogLines()
        let json = LogFormat.json.makeHandler(label: "x", level: .info, journal: false, write: captured.sink)
        let text = LogFormat.text.makeHandler(label: "x", level: .info, journal: false, write: captured.sink)
        Logger(label: "x", factory: { _ in json }).info("a")
        Logger(label: "x", factory: { _ in text }).info("b")
        let lines = captured.lines
        try #require(lines.count == 2)
        let first = try jsonObject(lines[0])
        #expect(first["message"] as? String == "a")
        #expect(lines[1].hasSuffix(" info x: b\n"))
    }

    @Test func logFormatParsesTheSettingValues() {
        #expect(LogFormat(parsing: "text") == .text)
        #expect(LogFormat(parsing: "json") == .json)
        #expect(LogFormat(parsing: " JSON\n") == .json)
        #expect(LogFormat(parsing: "xml") == nil)
        #expect(LogFormat(parsing: "") == nil)
        #expect(LogFormat(rawValue: "text") == .text)
        #expect(LogFormat.json.description == "json")
    }

    @Test func journalStreamIsRecognisedByDeviceAndInode() throws {
        let directory = try TemporaryDirectory(prefix: "heygen-dropd-log")
        defer { directory.remove() }
        let path = directory.file("stream")
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        let value = "\(info.st_dev):\(info.st_ino)"
        #expect(LogFormat.isJournalStream(value, fileDescriptor: fd))
        #expect(!LogFormat.isJournalStream("\(info.st_dev):\(info.st_ino + 1)", fileDescriptor: fd))
        #expect(!LogFormat.isJournalStream("\(info.st_dev)", fileDescriptor: fd))
        #expect(!LogFormat.isJournalStream("a:b", fileDescriptor: fd))
        #expect(!LogFormat.isJournalStream(nil, fileDescriptor: fd))
        #expect(!LogFormat.standardErrorIsJournal(environment: [:]))
    }
}
