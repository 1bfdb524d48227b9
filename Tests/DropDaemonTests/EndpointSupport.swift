import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport

/// The daemon's HTTP endpoint as a test sees it: its base URL (read from the daemon's log line) and GETs.
struct EndpointClient: Sendable {
    let baseURL: String

    /// Waits for the daemon's "HTTP endpoint listening" line and takes the URL from it.
    static func of(_ daemon: DaemonProcess) async throws -> EndpointClient {
        try await eventually("the HTTP endpoint listens", timeout: .seconds(30)) {
            let text = daemon.logText
            guard let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression),
                text[..<range.lowerBound].contains("HTTP endpoint listening")
            else { return nil }
            return EndpointClient(baseURL: String(text[range].dropLast()))
        }
    }

    /// `GET path`: the status and the body as text.
    func get(_ path: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + path), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// The samples of `GET /metrics`: `name{labels}` → value.
    func metrics() async throws -> [String: Double] {
        let answer = try await get("/metrics")
        guard answer.status == 200 else { throw HarnessError("/metrics answered \(answer.status)") }
        var samples: [String: Double] = [:]
        for line in answer.body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw HarnessError("not Prometheus text: \(line)")
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// `GET /api/jobs` as a JSON object.
    func jobs() async throws -> [String: Any] {
        let answer = try await get("/api/jobs")
        guard answer.status == 200,
            let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        else { throw HarnessError("/api/jobs answered \(answer.status): \(answer.body.prefix(200))") }
        return object
    }
}
