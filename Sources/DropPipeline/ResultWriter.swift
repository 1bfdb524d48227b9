import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes result documents into the outbox atomically: a reader sees either no file or the whole file.
///
/// The document goes to a dot-named temporary file in the outbox, is flushed to disk, then renamed over
/// `NAME.json`; the directory is flushed too, so a crash never leaves a half-written result.
public struct ResultWriter: Sendable {
    /// The outbox folder.
    public let outbox: String

    /// A writer for the given outbox folder.
    public init(outbox: String) {
        self.outbox = outbox
    }

    /// The result file's path for a source name (`report.pdf` → `outbox/report.pdf.json`); a name too long
    /// for that is shortened with a hash, as `FittedName.result(for:)` says.
    public func path(forSource name: String) -> String {
        "\(outbox)/\(FittedName.result(for: name))"
    }

    /// Writes `result` as `NAME.json`, replacing an earlier result of the same name. Returns its path.
    @discardableResult
    public func write(_ result: JobResult) throws -> String {
        let data = try result.jsonData()
        let final = path(forSource: result.source.name)
        let temporary = "\(outbox)/" + FittedName.fit(result.source.name, prefix: ".", suffix: ".json.tmp-\(result.jobID)")
        try FileIO.writeDurably(data, to: temporary)
        guard rename(temporary, final) == 0 else {
            let reason = FileIO.lastError()
            unlink(temporary)
            throw FileIOError("cannot write result \(final): \(reason)")
        }
        FileIO.syncDirectory(outbox)
        return final
    }
}
