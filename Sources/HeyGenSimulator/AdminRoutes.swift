import Foundation
import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// `PUT /_admin/faults`: the given fields replace the current ones, the others are kept.
    /// A `seed` in the body restarts the random sequence from it. Answers the faults now in force.
    func replaceFaults(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let data = Data(buffer.readableBytesView)
        guard let fields = (try? JSONDecoder().decode(JSONValue.self, from: data))?.objectValue else {
            throw SimulatorAPIError.badRequest("invalid_json", "the body must be a JSON object of fault fields")
        }
        let patch: SimulatorFaults
        do {
            patch = try JSONDecoder().decode(SimulatorFaults.self, from: data)
        } catch {
            throw SimulatorAPIError.badRequest("invalid_parameter", "invalid fault value: \(error)")
        }
        let updated = try state.withLock { state -> SimulatorFaults in
            var faults = try state.faults.merging(patch, fields: Set(fields.keys))
            if let direct = fields["directUpload"]?.objectValue {
                // Only the nested fields given change.
                faults.directUpload = try state.faults.directUpload.merging(patch.directUpload, fields: Set(direct.keys))
            }
            state.apply(faults, reseed: fields["seed"] != nil)
            return faults
        }
        return JSONResponse.make(updated)
    }
}

extension SimulatorFaults {
    /// These faults with the named `fields` taken from `patch`; an unknown field name is an error.
    func merging(_ patch: SimulatorFaults, fields: Set<String>) throws -> SimulatorFaults {
        var merged = self
        for field in fields.sorted() {
            switch field {
            case "errorRate": merged.errorRate = patch.errorRate
            case "rateLimitRate": merged.rateLimitRate = patch.rateLimitRate
            case "retryAfterSeconds": merged.retryAfterSeconds = patch.retryAfterSeconds
            case "badGatewayRate": merged.badGatewayRate = patch.badGatewayRate
            case "latencyMs": merged.latencyMs = patch.latencyMs
            case "videoFailureRate": merged.videoFailureRate = patch.videoFailureRate
            case "sessionNotFoundRate": merged.sessionNotFoundRate = patch.sessionNotFoundRate
            case "errorBodyRate": merged.errorBodyRate = patch.errorBodyRate
            case "pollsUntilVideoID": merged.pollsUntilVideoID = patch.pollsUntilVideoID
            case "pollsUntilCompleted": merged.pollsUntilCompleted = patch.pollsUntilCompleted
            case "maxConcurrentVideos": merged.maxConcurrentVideos = patch.maxConcurrentVideos
            case "rejectedKeys": merged.rejectedKeys = patch.rejectedKeys
            case "insufficientCreditKeys": merged.insufficientCreditKeys = patch.insufficientCreditKeys
            case "agentCreateErrorAfterCreateRate": merged.agentCreateErrorAfterCreateRate = patch.agentCreateErrorAfterCreateRate
            case "agentCreateDropAfterCreateRate": merged.agentCreateDropAfterCreateRate = patch.agentCreateDropAfterCreateRate
            case "agentCreateDelayMs": merged.agentCreateDelayMs = patch.agentCreateDelayMs
            case "unauthorizedVideoPolls": merged.unauthorizedVideoPolls = patch.unauthorizedVideoPolls
            case "directUpload": merged.directUpload = patch.directUpload
            case "seed": merged.seed = patch.seed
            case _ where SimulatorOutputFaults.fieldNames.contains(field): merged.output.take(field, from: patch.output)
            default:
                throw SimulatorAPIError.badRequest("invalid_parameter", "unknown fault field \(field)", param: field)
            }
        }
        return merged
    }
}
