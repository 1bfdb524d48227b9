import DropHTTP
import DropPipeline
import Foundation

/// What `status --watch` draws: the counts, a progress bar per job in flight, the last errors, each line
/// fitted to the terminal's width. File names are shown with control characters replaced (a name cannot
/// move the cursor or change colours).
public enum WatchScreen {
    /// The screen's lines for `snapshot` at `width` columns (at least 20).
    public static func lines(_ snapshot: DashboardSnapshot, width: Int, daemon: String) -> [String] {
        let width = max(20, width)
        var lines: [String] = []
        lines.append("heygen-dropd status · \(Timestamp.rfc3339(snapshot.generatedAt)) · \(daemon) · Ctrl-C quits")
        lines.append(countsLine(snapshot))
        if let oldest = snapshot.oldestQueuedAgeSeconds {
            lines.append("oldest queued job waits for \(Int(oldest)) s")
        }
        lines.append("")
        lines.append(snapshot.inFlight.isEmpty ? "nothing in flight" : "in flight:")
        for job in snapshot.inFlight {
            lines.append(jobLine(job, width: width))
        }
        if !snapshot.errors.isEmpty {
            lines.append("")
            lines.append("last errors:")
            for error in snapshot.errors.prefix(5) {
                lines.append("#\(error.id) \(printable(error.name)): \(printable(error.message))")
            }
        }
        return lines.map { fitted($0, width: width) }
    }

    /// `daemon running (pid 42)` or `no daemon running`, from the state directory's lock.
    public static func daemonLabel(stateDir: String) -> String {
        guard let pid = DaemonLock.holder(stateDir: stateDir) else { return "no daemon running" }
        return pid > 0 ? "daemon running (pid \(pid))" : "daemon running"
    }

    /// `queued 3, in flight 2, waiting for video 1, succeeded 40, failed 0` (all profiles together).
    public static func countsLine(_ snapshot: DashboardSnapshot) -> String {
        func count(_ state: String) -> Int { snapshot.counts.filter { $0.state == state }.map(\.count).reduce(0, +) }
        let working = snapshot.inFlight.filter { $0.state == "queued" }.count
        return "queued \(max(0, count("queued") - working)), in flight \(working), waiting for video \(count("waiting_video")), "
            + "succeeded \(count("succeeded")), failed \(count("failed"))"
    }

    /// `#12 upload   [#####-----]  45% name` (the step padded to fit `download`), the bar as wide as the width allows.
    static func jobLine(_ job: InFlightJob, width: Int) -> String {
        let head = "#\(job.id) " + (job.progress?.step ?? job.stage ?? job.state).padding(toLength: 8, withPad: " ", startingAt: 0)
        let barWidth = max(10, min(40, width / 3))
        var bar = ""
        var amount = ""
        if let progress = job.progress, progress.total > 0 {
            let filled = Int((progress.fraction * Double(barWidth)).rounded(.down))
            bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]"
            amount = String(format: "%4d%%", Int((progress.fraction * 100).rounded(.down)))
        } else {
            bar = "[" + String(repeating: ".", count: barWidth) + "]"
            amount = "    ?"
        }
        return "\(head) \(bar) \(amount) \(printable(job.name))"
    }

    /// `text` with control characters (C0, DEL, C1) shown as `?`.
    public static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? "?" : scalar
        }))
    }

    /// `line` cut to `width` characters, with `…` at the end when cut.
    static func fitted(_ line: String, width: Int) -> String {
        line.count <= width ? line : String(line.prefix(width - 1)) + "…"
    }
}
