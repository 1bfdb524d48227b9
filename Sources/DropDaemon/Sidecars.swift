import Foundation
import InboxWatcher

/// Finds and reads the sidecars that go with a dropped file or bundle.
///
/// Beside a file `NAME`: `NAME.agent.json` (takes precedence) and `NAME.prompt`. Inside a bundle:
/// `agent.json` (takes precedence) and `prompt.txt`; sidecars beside a bundle are honoured too when the
/// bundle has none inside. Every sidecar found moves with its source, whichever one is used.
enum Sidecars {
    /// The sidecar names beside `name` that exist in `inbox` now; they move with their source.
    static func besideNames(for name: String, inbox: String) -> [String] {
        ["\(name).agent.json", "\(name).prompt"].filter { FileIO.kind("\(inbox)/\($0)") == .file }
    }

    /// Names of sidecars inside a bundle; they are never uploaded.
    static let bundleFiles: Set<String> = ["agent.json", "prompt.txt"]

    /// Reads the sidecars beside `name` in `inbox` (and, for a bundle, inside it at `bundlePath`).
    /// The video request the sidecars of `name` make, nil when there are none; throws `LocalProblem` for a bad one.
    static func request(for name: String, inbox: String, bundlePath: String? = nil) throws -> VideoRequestSpec? {
        if let bundlePath {
            if FileIO.kind("\(bundlePath)/agent.json") == .file {
                return try read("\(bundlePath)/agent.json", label: "\(name)/agent.json", json: true)
            }
            if FileIO.kind("\(bundlePath)/prompt.txt") == .file {
                return try read("\(bundlePath)/prompt.txt", label: "\(name)/prompt.txt", json: false)
            }
        }
        let beside = besideNames(for: name, inbox: inbox)
        if let agent = beside.first(where: { $0.hasSuffix(".agent.json") }) {
            return try read("\(inbox)/\(agent)", label: agent, json: true)
        }
        if let prompt = beside.first(where: { $0.hasSuffix(".prompt") }) {
            return try read("\(inbox)/\(prompt)", label: prompt, json: false)
        }
        return nil
    }

    private static func read(_ path: String, label: String, json: Bool) throws -> VideoRequestSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LocalProblem(.invalidSidecar, "cannot read \(label)")
        }
        return json
            ? try VideoRequestSpec.fromAgentJSON(data, label: label)
            : try VideoRequestSpec.fromPromptText(data, label: label)
    }
}
