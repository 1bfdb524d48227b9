import Foundation
import TestSupport
import Testing

/// Checks the shipped systemd files in `<repo>/systemd/`.
@Suite("systemd unit", .timeLimit(.minutes(5)))
struct SystemdUnitTests {
    /// The repository root, found from this file's location (Tests/DropDaemonTests/...).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let unitPath = repository.appendingPathComponent("systemd/heygen-dropd.service").path

    /// The highest exposure `systemd-analyze security` may give the unit.
    static let maximumExposure = 2.0

    /// `systemd-analyze` on PATH or in the usual places, nil if it is not installed.
    static func systemdAnalyze() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"]
        return folders.map { $0 + "/systemd-analyze" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` with `arguments` (without blocking a thread), returning its exit status and its output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["SYSTEMD_COLORS"] = "0"
        environment["SYSTEMD_PAGER"] = "cat"
        environment["LC_ALL"] = "C.UTF-8"
        let result = try await runProcess(executable, arguments, environment: environment)
        return (result.status, result.stdout + result.stderr)
    }

    /// The unit's `Key=value` lines (comments and section headers left out), in order.
    static func directives() throws -> [(key: String, value: String)] {
        let text = try String(contentsOfFile: unitPath, encoding: .utf8)
        return text.split(separator: "\n").compactMap { raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";"), !line.hasPrefix("["),
                let equals = line.firstIndex(of: "=")
            else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    static func values(_ key: String) throws -> [String] {
        try directives().filter { $0.key == key }.map(\.value)
    }

    /// Seconds in a systemd time span such as "90", "90s", "1min 30s", "2min".
    static func seconds(_ span: String) -> Double? {
        let units: [(String, Double)] = [("min", 60), ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        for part in span.split(separator: " ") {
            let digits = part.prefix { $0.isNumber || $0 == "." }
            guard let number = Double(digits) else { return nil }
            let suffix = String(part.dropFirst(digits.count))
            if suffix.isEmpty {
                total += number
            } else if let factor = units.first(where: { $0.0 == suffix })?.1 {
                total += number * factor
            } else {
                return nil
            }
        }
        return total
    }

    @Test func securityExposureIsAtMostTwo() async throws {
        guard let analyze = Self.systemdAnalyze() else {
            Issue.record(
                "systemd-analyze is not installed: install systemd (apt-get install systemd) to check the unit's hardening"
            )
            return
        }
        let (status, output) = try await Self.run(analyze, ["security", "--offline=yes", Self.unitPath])
        #expect(status == 0, "systemd-analyze failed:\n\(output)")
        let pattern = #"Overall exposure level for [^:]+: ([0-9]+(?:\.[0-9]+)?)"#
        let regex = try NSRegularExpression(pattern: pattern)
        let match = regex.firstMatch(in: output, range: NSRange(output.startIndex..., in: output))
        let found = try #require(match.flatMap { Range($0.range(at: 1), in: output) }, "no exposure figure in:\n\(output)")
        let exposure = try #require(Double(output[found]))
        #expect(exposure <= Self.maximumExposure, "exposure \(exposure) > \(Self.maximumExposure):\n\(output)")
    }

    @Test func unitIsANotifyServiceWithWatchdogAndCredential() throws {
        #expect(try Self.values("Type") == ["notify"])
        #expect(try Self.values("NotifyAccess") == ["main"])
        #expect(try Self.values("ExecStart") == ["/usr/local/bin/heygen-dropd run"])
        #expect(try Self.values("User") == ["heygen-dropd"])
        #expect(try Self.values("Group") == ["heygen-dropd"])
        #expect(try Self.values("StateDirectory") == ["heygen-dropd"])
        #expect(try Self.values("LoadCredential") == ["heygen-api-key:/etc/credstore/heygen-api-key"])
        #expect(try Self.values("Restart") == ["on-failure"])

        let watchdog = try #require(try Self.values("WatchdogSec").last.flatMap(Self.seconds))
        #expect(watchdog > 0)
        // The daemon drains for up to 30 s on SIGTERM; systemd must wait longer than that.
        let stopTimeout = try #require(try Self.values("TimeoutStopSec").last.flatMap(Self.seconds))
        #expect(stopTimeout > 30)
    }

    @Test func theApiKeyIsNeverInTheEnvironment() throws {
        let environment = try Self.values("Environment") + Self.values("EnvironmentFile")
        for value in environment {
            #expect(!value.contains("HEYGEN_API_KEY"), "the key must come through LoadCredential=, not \(value)")
        }
        #expect(try Self.values("ReadWritePaths").contains("/var/spool/heygen-dropd"))
        #expect(try Self.values("ProtectSystem") == ["strict"])
        // @resources stays denied but for setpriority(), which libdispatch's worker threads call to set
        // their nice values (within LimitNICE): a refusal would be logged at every start.
        let filters = try Self.values("SystemCallFilter")
        #expect(filters.contains { $0.hasPrefix("~") && $0.contains("@resources") })
        #expect(filters.last == "setpriority")
        #expect(try Self.values("LimitNICE") == ["-20"])
        #expect(try Self.values("SystemCallErrorNumber") == ["EPERM"])
    }

    @Test func tmpfilesAndSysusersDeclareTheSpoolAndAccount() throws {
        let tmpfiles = try String(
            contentsOfFile: Self.repository.appendingPathComponent("systemd/heygen-dropd.tmpfiles").path,
            encoding: .utf8
        )
        let entries = tmpfiles.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        func entry(_ path: String) -> [String]? { entries.first { $0.count >= 5 && $0[0] == "d" && $0[1] == path } }
        let spool = "/var/spool/heygen-dropd"
        #expect(entry(spool)?[2...4] == ["0750", "heygen-dropd", "heygen-dropd"])
        #expect(entry(spool + "/inbox")?[2...4] == ["2770", "heygen-dropd", "heygen-dropd"])
        for name in ["outbox", "archive", "failed"] {
            #expect(entry(spool + "/" + name)?[2...4] == ["0750", "heygen-dropd", "heygen-dropd"])
        }

        let sysusers = try String(
            contentsOfFile: Self.repository.appendingPathComponent("systemd/heygen-dropd.sysusers").path,
            encoding: .utf8
        )
        #expect(sysusers.split(separator: "\n").contains { $0.hasPrefix("u ") && $0.contains(" heygen-dropd ") })
    }

    @Test func timeSpansParse() {
        #expect(Self.seconds("90s") == 90)
        #expect(Self.seconds("90") == 90)
        #expect(Self.seconds("1min 30s") == 90)
        #expect(Self.seconds("soon") == nil)
    }
}
