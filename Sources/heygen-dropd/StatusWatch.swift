import DropOperator
import DropPipeline
import DropService
import DropSettings
import DropQueue
import Foundation
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// `status --watch`: on a terminal, redraws the status every second on the alternate screen (a progress bar
/// per job in flight, fitted to the width) until Ctrl-C, then restores the screen and exits 0; when stdout
/// is not a terminal, writes one plain line of counts every `plainInterval` instead.
enum StatusWatch {
    /// How often a plain line is written when stdout is not a terminal.
    static let plainInterval = Duration.seconds(5)

    /// Runs until SIGINT or SIGTERM.
    static func run(settings: Settings, queue: any QueueStore) async throws {
        let reader = DashboardReader(queue: queue, transfers: nil, profiles: settings.profiles.map(\.name))
        let terminal = isatty(STDOUT_FILENO) == 1
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        if terminal { OperatorCommand.write(Data("\u{1B}[?1049h\u{1B}[?25l".utf8)) }
        defer { if terminal { OperatorCommand.write(Data("\u{1B}[?25h\u{1B}[?1049l".utf8)) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals { return }
            }
            group.addTask {
                while true {
                    let snapshot = try await reader.read()
                    let daemon = WatchScreen.daemonLabel(stateDir: settings.stateDir)
                    if terminal {
                        let lines = WatchScreen.lines(snapshot, width: terminalWidth(), daemon: daemon)
                        let screen = "\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\u{1B}[J"
                        OperatorCommand.write(Data(screen.utf8))
                        try await Task.sleep(for: .seconds(1))
                    } else {
                        OperatorCommand.print(
                            "\(Timestamp.rfc3339(snapshot.generatedAt)) \(WatchScreen.countsLine(snapshot)); \(daemon)")
                        try await Task.sleep(for: plainInterval)
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The terminal's width in columns (80 when it cannot be read).
    static func terminalWidth() -> Int {
        var size = winsize()
        let status = withUnsafeMutablePointer(to: &size) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }
        guard status == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
