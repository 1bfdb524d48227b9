import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// The rules a download follows that need no I/O: which URLs and redirects are allowed, how a
/// `Content-Range` reads, how a status is classified, and how a URL is shown without its credentials.
enum DownloadRules {
    /// A URL a download may start from: `https`, or `http` to a loopback host (the simulator).
    static func isAllowedStart(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return false }
        return scheme == "https" || (scheme == "http" && LoopbackHost.isLoopback(host))
    }

    /// Whether a redirect from `current` to `target` may be followed: to `https`, or from a loopback `http` URL
    /// to `http` on the same loopback host.
    static func isAllowedRedirect(from current: URL, to target: URL) -> Bool {
        guard let scheme = target.scheme?.lowercased(), let host = target.host, !host.isEmpty else { return false }
        if scheme == "https" { return true }
        guard scheme == "http", current.scheme?.lowercased() == "http", let currentHost = current.host else { return false }
        return LoopbackHost.isLoopback(host) && host.lowercased() == currentHost.lowercased()
    }

    /// The URL a redirect answer points to, resolved against `current`, if it may be followed.
    static func redirectTarget(_ response: HTTPClientResponse, from current: URL, bytesOnDisk: Int64) throws(DownloadError) -> URL {
        let status = Int(response.status.code)
        guard let location = response.headers.first(name: "Location"), !location.isEmpty,
            let target = URL(string: location, relativeTo: current)?.absoluteURL
        else {
            throw DownloadError(kind: .refused, httpStatus: status, message: "a redirect without a usable Location", bytesOnDisk: bytesOnDisk)
        }
        guard isAllowedRedirect(from: current, to: target) else {
            throw DownloadError(
                kind: .refused, httpStatus: status,
                message: "a redirect to \(redacted(target.absoluteString)) was refused (only https, or the same loopback host)",
                bytesOnDisk: bytesOnDisk)
        }
        return target
    }

    /// A `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
    struct ContentRange: Equatable {
        var start: Int64
        var end: Int64
        var total: Int64?
    }

    /// The response's `Content-Range`, nil when absent or malformed (END before START, END past TOTAL).
    static func contentRange(_ headers: HTTPHeaders) -> ContentRange? {
        guard let value = headers.first(name: "Content-Range") else { return nil }
        return parseContentRange(value)
    }

    /// Parses `bytes START-END/TOTAL`; nil when malformed.
    static func parseContentRange(_ value: String) -> ContentRange? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let rest = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let halves = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), start >= 0, end >= start else { return nil }
        var total: Int64?
        if halves[1] != "*" {
            guard let value = Int64(halves[1]), value > end else { return nil }
            total = value
        }
        return ContentRange(start: start, end: end, total: total)
    }

    /// The TOTAL of a `416` answer's `Content-Range: bytes */TOTAL`, when it has one.
    static func unsatisfiedRangeTotal(_ headers: HTTPHeaders) -> Int64? {
        guard let value = headers.first(name: "Content-Range")?.trimmingCharacters(in: .whitespaces),
            value.lowercased().hasPrefix("bytes */")
        else { return nil }
        return Int64(value.dropFirst(8))
    }

    /// The error for an answer that is neither a success nor a redirect: 403/404/410 `linkExpired`;
    /// 408/429/5xx `transient` (with `Retry-After`); anything else `refused`.
    static func statusError(_ response: HTTPClientResponse, bytesOnDisk: Int64) -> DownloadError {
        let status = Int(response.status.code)
        let retryAfter = response.headers.first(name: "Retry-After").flatMap(APIResponse.parseRetryAfter)
        switch status {
        case 403, 404, 410:
            return DownloadError(
                kind: .linkExpired, httpStatus: status, message: "the file host refused the link (expired or revoked)",
                bytesOnDisk: bytesOnDisk)
        case 408, 429, 500...599:
            return DownloadError(
                kind: .transient, httpStatus: status, message: "the file host answered HTTP \(status)", retryAfter: retryAfter,
                bytesOnDisk: bytesOnDisk)
        default:
            return DownloadError(kind: .refused, httpStatus: status, message: "the file host answered HTTP \(status)", bytesOnDisk: bytesOnDisk)
        }
    }

    /// `url` without its query and fragment (a presigned URL's signature is a credential) and without user info.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(an unreadable URL)" }
        let hadQuery = components.query != nil
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return (components.string ?? "(an unreadable URL)") + (hadQuery ? "?…" : "")
    }
}
