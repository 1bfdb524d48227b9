import Foundation
import InboxWatcher

/// Finds and reads the sidecars that go with a dropped file or bundle.
///
/// Beside a file `NAME`: `NAME.agent.json` (takes precedence) and `NAME.prompt`. Inside a bundle:
/// `agent.json` (takes precedence) and `prompt.txt`; sidecars beside a bundle are honoured too when the
/// bundle has none inside. Every sidecar found moves with its source, whichever one is used.
///
/// Each sidecar is opened once relative to its folder's descriptor (never following a symlink, never
/// blocking), must be a regular file, and is read through that descriptor up to its bound only: a prompt
/// file of at most `maxPromptFileBytes`, an `agent.json` of at most `maxAgentJSONBytes`. Anything else is an
/// `invalid_sidecar` before a byte is uploaded. The calls block: run them through `BlockingIO`.
enum Sidecars {
    /// The largest `.prompt` / `prompt.txt` read: 10,000 characters (the API's limit) take at most 40,000 bytes of UTF-8.
    static let maxPromptFileBytes = 4 * VideoRequestSpec.maxPromptCharacters
    /// The largest `.agent.json` / `agent.json` read: 64 KiB.
    static let maxAgentJSONBytes = 64 * 1024

    /// Names of sidecars inside a bundle; they are never uploaded (`DropRules.bundleSidecarNames`).
    static var bundleFiles: Set<String> { DropRules.bundleSidecarNames }

    /// The sidecar names that may sit beside `name`, the one that takes precedence first
    /// (`DropRules.sidecarNames(for:)`).
    static func candidateNames(for name: String) -> [String] {
        DropRules.sidecarNames(for: name)
    }

    /// The sidecars beside `name` in `inbox` now, opened; they move with their source. A sidecar that is a
    /// symlink, FIFO, socket or device is an `invalid_sidecar`; a folder of that name is not a sidecar.
    static func openBeside(for name: String, inbox: InboxEntry) throws -> [InboxEntry] {
        try candidateNames(for: name).compactMap { try openSidecar($0, in: inbox, label: $0) }
    }

    /// The video request the sidecars make (those inside `bundle` first, then `beside`), nil when there are none.
    static func request(bundle: InboxEntry?, bundleName: String, beside: [InboxEntry]) throws -> VideoRequestSpec? {
        if let bundle {
            for kind in DropRules.sidecarPrecedence {
                let label = "\(bundleName)/\(kind.bundleName)"
                if let sidecar = try openSidecar(kind.bundleName, in: bundle, label: label) {
                    return try read(sidecar, label: label, json: kind.isJSON)
                }
            }
        }
        for kind in DropRules.sidecarPrecedence {
            if let sidecar = beside.first(where: { $0.name.hasSuffix(kind.suffix) }) {
                return try read(sidecar, label: sidecar.name, json: kind.isJSON)
            }
        }
        return nil
    }

    /// The sidecar `name` in `folder`, opened; nil when there is none (or a folder has that name).
    private static func openSidecar(_ name: String, in folder: InboxEntry, label: String) throws -> InboxEntry? {
        switch InboxEntry.open(name, in: folder) {
        case .success(let entry):
            switch entry.type {
            case .regular: return entry
            case .directory: return nil
            case .other(let what): throw LocalProblem(.invalidSidecar, "\(label) is \(what); a sidecar must be a regular file")
            }
        case .failure(.missing):
            return nil
        case .failure(.symlink):
            throw LocalProblem(.invalidSidecar, "\(label) is a symlink; a sidecar must be a regular file")
        case .failure(let failure):
            throw LocalProblem(.invalidSidecar, FileInspector.problem(failure, label: label).message)
        }
    }

    /// Reads the open sidecar through its descriptor, refusing one over its bound without reading past it.
    static func read(_ entry: InboxEntry, label: String, json: Bool) throws -> VideoRequestSpec {
        let limit = json ? maxAgentJSONBytes : maxPromptFileBytes
        let tooLarge = json
            ? "\(label) is larger than \(limit) bytes (64 KiB), the most an agent.json may hold"
            : "\(label) is larger than \(limit) bytes; a prompt has at most \(VideoRequestSpec.maxPromptCharacters) characters"
        if entry.identity.size > Int64(limit) {
            throw LocalProblem(.invalidSidecar, tooLarge)
        }
        let content: Data?
        do {
            content = try entry.readBounded(limit: limit)
        } catch {
            throw LocalProblem(.invalidSidecar, "cannot read \(label)")
        }
        guard let data = content else { throw LocalProblem(.invalidSidecar, tooLarge) }
        return json
            ? try VideoRequestSpec.fromAgentJSON(data, label: label)
            : try VideoRequestSpec.fromPromptText(data, label: label)
    }
}
