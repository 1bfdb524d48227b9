import Foundation
import HeyGenAPI
import Hummingbird
import SystemSupport

extension HeyGenSimulator {
    /// How many bytes one write of a file body carries.
    static let fileWriteChunk = 64 * 1024

    /// `GET /files/{owner}/{name}`: the simulator's file host. Needs a valid, unexpired signature (else `403`);
    /// serves a finished video's or translation's file (else `404`); honours `Range: bytes=N-`, `N-M` and `-S`
    /// with `206` and `Content-Range` (`416` past the end). The file faults (`downloadExpirations`, `downloadErrors`,
    /// `downloadRedirects`, `downloadRedirectTarget`, `downloadStalls`, `downloadCuts`) act here. Needs no `X-Api-Key`.
    func serveFile(_ request: Request, owner: String, name: String) throws -> Response {
        let query = request.uri.queryParameters
        let now = Date()
        guard let kind = SimulatedFile.Kind(rawValue: name) else {
            throw SimulatorAPIError(.notFound, code: "NoSuchKey", message: "no such file")
        }
        let path = FileLinks.path(ownerID: owner, kind: kind)
        let expires = query["expires"].flatMap { Int64(String($0)) }
        let signature = query["signature"].map(String.init) ?? ""
        enum Plan { case error(Int), redirect(String), serve(size: Int64, cutAfter: Int64?, stall: Duration?) }
        let plan = try state.withLock { state -> Plan in
            if request.headers[.xAPIKey] != nil { state.stats.fileRequestsWithAPIKey += 1 }
            guard let expires, FileLinks.isValid(path: path, expires: expires, signature: signature, key: state.fileSigningKey) else {
                throw SimulatorAPIError(.forbidden, code: "SignatureDoesNotMatch", message: "the signature is not valid")
            }
            if state.faults.output.downloadExpirations > 0 {
                state.faults.output.downloadExpirations -= 1
                state.stats.faultsInjected["link_expired", default: 0] += 1
                throw SimulatorAPIError(.forbidden, code: "AccessDenied", message: "the request has expired")
            }
            guard Int64(now.timeIntervalSince1970) < expires else {
                state.stats.faultsInjected["link_expired", default: 0] += 1
                throw SimulatorAPIError(.forbidden, code: "AccessDenied", message: "the request has expired")
            }
            guard state.hasFile(kind, of: owner) else {
                throw SimulatorAPIError(.notFound, code: "NoSuchKey", message: "no such file")
            }
            if state.faults.output.downloadErrors > 0 {
                state.faults.output.downloadErrors -= 1
                state.stats.faultsInjected["download_error", default: 0] += 1
                return .error(503)
            }
            if let target = state.faults.output.downloadRedirectTarget {
                state.stats.faultsInjected["download_redirect", default: 0] += 1
                return .redirect(target)
            }
            if state.faults.output.downloadRedirects > 0 {
                state.faults.output.downloadRedirects -= 1
                state.stats.faultsInjected["download_redirect", default: 0] += 1
                return .redirect("\(path)?expires=\(expires)&signature=\(signature)")
            }
            var cutAfter: Int64?
            var stall: Duration?
            if state.faults.output.downloadStalls > 0 {
                state.faults.output.downloadStalls -= 1
                state.stats.faultsInjected["download_stall", default: 0] += 1
                cutAfter = max(0, state.faults.output.downloadCutAfterBytes)
                stall = .seconds(max(0, state.faults.output.downloadStallSeconds))
            } else if state.faults.output.downloadCuts > 0 {
                state.faults.output.downloadCuts -= 1
                state.stats.faultsInjected["download_cut", default: 0] += 1
                cutAfter = max(0, state.faults.output.downloadCutAfterBytes)
            }
            return .serve(size: state.faults.output.videoSizeBytes, cutAfter: cutAfter, stall: stall)
        }
        switch plan {
        case .error(let status):
            throw SimulatorAPIError(HTTPResponse.Status(code: status), code: "ServiceUnavailable", message: "simulated file host error")
        case .redirect(let location):
            return Response(status: .found, headers: [.location: location, .contentLength: "0"])
        case .serve(let size, let cutAfter, let stall):
            // Generated outside the lock: making a file's pattern takes a moment.
            let file = SimulatedFile(kind: kind, ownerID: owner, videoSize: size)
            return try fileResponse(file, kind: kind, range: request.headers[.range], cutAfter: cutAfter, stall: stall)
        }
    }

    /// The `200`/`206`/`416` answer for `file`, streamed in pieces; cut after `cutAfter` body bytes when set
    /// (after hanging for `stall`, when set).
    private func fileResponse(
        _ file: SimulatedFile, kind: SimulatedFile.Kind, range: String?, cutAfter: Int64?, stall: Duration?
    ) throws -> Response {
        let supportsRange = state.withLock { $0.faults.output.downloadRangeSupport }
        var start: Int64 = 0
        var end = file.size - 1
        var partial = false
        if supportsRange, let range, let requested = Self.byteRange(range, size: file.size) {
            guard let asked = requested else {
                throw SimulatorAPIError(
                    .rangeNotSatisfiable, code: "InvalidRange", message: "the range is not satisfiable",
                    headers: [.contentRange: "bytes */\(file.size)"])
            }
            (start, end, partial) = (asked.lowerBound, asked.upperBound, true)
        }
        let length = end - start + 1
        var headers: HTTPFields = [.contentType: kind.contentType, .acceptRanges: supportsRange ? "bytes" : "none"]
        if partial { headers[.contentRange] = "bytes \(start)-\(end)/\(file.size)" }
        state.withLock { state in
            state.stats.downloadsServed += 1
            if partial { state.stats.rangesServed += 1 }
        }
        let (first, last) = (start, end)
        let body = ResponseBody(contentLength: Int(length)) { writer in
            var position = first
            var sent: Int64 = 0
            while position <= last {
                var count = min(Int64(Self.fileWriteChunk), last - position + 1)
                if let cutAfter { count = min(count, cutAfter - sent) }
                if count > 0 {
                    try await writer.write(file.bytes(at: position, count: Int(count)))
                    position += count
                    sent += count
                    self.state.withLock { $0.stats.downloadBytesServed += count }
                }
                if let cutAfter, sent >= cutAfter, position <= last {
                    if let stall { try await Task.sleep(for: stall) }
                    throw ConnectionCut()
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: partial ? .partialContent : .ok, headers: headers, body: body)
    }

    /// The range a `Range` header asks for: nil to ignore it (not `bytes=`, several ranges, malformed),
    /// `.some(nil)` when it starts past the end, else the inclusive byte range.
    static func byteRange(_ header: String, size: Int64) -> ClosedRange<Int64>?? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes="), !text.contains(",") else { return nil }
        let spec = text.dropFirst(6)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let suffix = Int64(parts[1]), suffix > 0 else { return nil }
            if size == 0 { return .some(nil) }
            return .some(max(0, size - suffix)...(size - 1))
        }
        guard let first = Int64(parts[0]), first >= 0 else { return nil }
        var last = size - 1
        if !parts[1].isEmpty {
            guard let value = Int64(parts[1]), value >= first else { return nil }
            last = min(value, size - 1)
        }
        guard first < size else { return .some(nil) }
        return .some(first...last)
    }
}

extension SimulatorState {
    /// Whether `owner` is a finished video or translation that has a file of `kind`.
    func hasFile(_ kind: SimulatedFile.Kind, of owner: String) -> Bool {
        if let video = videos[owner] {
            return video.outcome == .completed && [.video, .captionedVideo, .subtitles, .thumbnail].contains(kind)
        }
        if let translation = translations[owner], translation.outcome == .completed {
            switch kind {
            case .video, .audio: return true
            case .subtitles, .vttCaptions: return translation.captions
            case .captionedVideo, .thumbnail: return false
            }
        }
        return false
    }
}
