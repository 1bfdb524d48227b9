import Foundation
import Logging
import SystemSupport

extension HeyGenClient {
    /// The most ids `assetStatuses(ids:)` accepts in one call.
    public static let maxAssetStatusIDs = 100

    /// The states of up to 100 assets: `GET /v3/assets/statuses?asset_ids=a,b,…`. The answer's entries carry
    /// the asset's id in a field named `video_id`; they are returned as sent (an id the API does not know comes
    /// back `not_found`). No ids, or more than 100, is refused before any request.
    public func assetStatuses(ids: [String]) async throws(HeyGenError) -> [AssetStatus] {
        guard (1...HeyGenClient.maxAssetStatusIDs).contains(ids.count) else {
            throw HeyGenError(
                category: .rejected, message: "asset statuses take 1 to \(HeyGenClient.maxAssetStatusIDs) ids, not \(ids.count)",
                isRetryable: false)
        }
        var segments: [String] = []
        for id in ids {
            segments.append(try HeyGenClient.pathSegment(id, what: "asset id"))
        }
        let request = makeRequest(.GET, "/v3/assets/statuses?asset_ids=" + segments.joined(separator: ","))
        let deadline = ContinuousClock.now + configuration.requestTimeout
        let items = try await exchange(request, deadline: deadline, timeout: configuration.requestTimeout) { answer in
            answer.classifyList()
        }.get()
        var statuses: [AssetStatus] = []
        for item in items {
            guard let status = AssetStatus(json: item) else {
                throw malformed("an asset status has no video_id or status")
            }
            statuses.append(status)
        }
        return statuses
    }

    /// Polls `assetStatuses` for one asset, waiting `initialInterval` and then twice as long each time (at most
    /// `maxInterval`, never less than a `Retry-After`), until it is `completed` (returned), `failed` (a
    /// `rejected` error with the API's reason), or `timeout` has passed (a retryable `serverError`: the asset
    /// is still processing, or still unknown). Retryable failures of a poll are waited out; others are thrown.
    public func waitForAsset(
        id: String, timeout: Duration, initialInterval: Duration = .seconds(1), maxInterval: Duration = .seconds(30)
    ) async throws(HeyGenError) -> AssetStatus {
        let deadline = ContinuousClock.now + timeout
        var interval = max(initialInterval, .milliseconds(1))
        var last = "not polled yet"
        while true {
            var wait = interval
            do throws(HeyGenError) {
                let statuses = try await assetStatuses(ids: [id])
                let entry = statuses.first { $0.assetID == id } ?? AssetStatus(assetID: id, status: "not_found")
                switch entry.status {
                case "completed":
                    return entry
                case "failed":
                    let reason = entry.errorMessage ?? "no reason given"
                    throw HeyGenError(
                        category: .rejected, apiCode: entry.errorCode,
                        message: "asset \(id) failed processing: \(reason)", isRetryable: false)
                default:
                    last = entry.status
                }
            } catch where error.isRetryable {
                last = "\(error)"
                if let retryAfter = error.retryAfter { wait = max(wait, retryAfter) }
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw HeyGenError(
                    category: .serverError,
                    message: "asset \(id) was not ready within \(timeout.components.seconds) s (last: \(last))",
                    isRetryable: true)
            }
            logger.debug("asset not ready yet", metadata: ["asset_id": "\(id)", "status": "\(last)"])
            do {
                try await Task.sleep(for: min(wait, remaining))
            } catch {
                throw HeyGenError(category: .networkError, message: "waiting for asset \(id) was cancelled", isRetryable: true)
            }
            interval = min(interval * 2, max(maxInterval, initialInterval))
        }
    }
}

extension APIResponse {
    /// The `data` array of a successful list answer, or the error the answer stands for.
    func classifyList() -> Result<[JSONValue], HeyGenError> {
        if (200..<300).contains(status), let object = json?.objectValue, object["error"] == nil || object["error"] == .null,
            case .array(let items)? = object["data"]
        {
            return .success(items)
        }
        return classify().flatMap { _ in
            .failure(
                HeyGenError(
                    category: .serverError, httpStatus: status, message: "the answer's data is not a list",
                    requestID: requestID, isRetryable: true))
        }
    }
}
