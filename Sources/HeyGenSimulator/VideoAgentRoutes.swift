import Foundation
import HeyGenAPI
import Hummingbird
import SystemSupport

extension HeyGenSimulator {
    /// The largest JSON body accepted by `POST /v3/video-agents`.
    static let maxAgentRequestBytes = 1 << 20

    /// `POST /v3/video-agents`: validates the request (a body over 1 MiB is answered `413`), applies the
    /// concurrency limit, starts a session (keeping its `callback_id`) and keeps the raw body for
    /// `stats.lastAgentRequestBody`. The faults `agentCreateDelayMs`, `agentCreateErrorAfterCreateRate` and
    /// `agentCreateDropAfterCreateRate` act after the session exists, as a lost answer would.
    func createVideoAgent(_ request: Request) async throws -> Response {
        let apiKey = request.headers[.xAPIKey] ?? ""
        let buffer = try await Self.collectAgentBody(request.body)
        guard let body = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)),
            let members = body.objectValue
        else {
            throw SimulatorAPIError.badRequest("invalid_json", "the request body must be a JSON object")
        }
        let assetIDs = try Self.validateAgentRequest(members)

        let now = Date()
        let (session, faults, errorAfter, dropAfter) = try state.withLock { state -> (AgentSession, SimulatorFaults, Bool, Bool) in
            for (index, id) in assetIDs.enumerated() where state.assets[id] == nil {
                throw SimulatorAPIError.badRequest(
                    "asset_not_found", "unknown asset_id \(id)", param: "files[\(index)].asset_id")
            }
            if state.faults.insufficientCreditKeys.contains(apiKey) {
                throw SimulatorAPIError(
                    HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), code: "insufficient_credit", message: "not enough credit to create a video")
            }
            if state.videosInProgress >= state.faults.maxConcurrentVideos {
                state.stats.faultsInjected["concurrency_limit", default: 0] += 1
                throw Self.rateLimited(
                    state.faults,
                    message: "at most \(state.faults.maxConcurrentVideos) videos may be in progress",
                    code: "concurrent_video_limit_exceeded"
                )
            }
            var session = AgentSession(
                id: makeIdentifier("sess_"), createdAt: now,
                pollsUntilVideoID: max(0, state.faults.pollsUntilVideoID),
                pollsUntilCompleted: state.faults.pollsUntilCompleted,
                callbackID: members["callback_id"]?.stringValue
            )
            if session.pollsUntilVideoID == 0 {
                state.startVideo(for: &session, now: now)
            }
            state.sessions[session.id] = session
            state.prune(now: now)
            state.stats.agentsCreated += 1
            state.stats.lastAgentRequestBody = body
            state.stats.agentRequestBodies = Array((state.stats.agentRequestBodies + [body]).suffix(100))
            let errorAfter = state.inject("error_after_create", rate: state.faults.agentCreateErrorAfterCreateRate)
            let dropAfter = !errorAfter && state.inject("drop_after_create", rate: state.faults.agentCreateDropAfterCreateRate)
            return (session, state.faults, errorAfter, dropAfter)
        }
        if faults.agentCreateDelayMs > 0 {
            try await Task.sleep(for: .milliseconds(faults.agentCreateDelayMs))
        }
        if errorAfter {
            throw SimulatorAPIError(.internalServerError, code: "internal_error", message: "simulated error after creating")
        }
        if dropAfter {
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(contentLength: 256) { writer in
                    try await writer.write(ByteBuffer(string: "{\"data\":"))
                    throw ConnectionCut()
                })
        }
        return JSONResponse.data(Self.sessionMembers(session))
    }

    /// The body of a Video Agent request, at most `maxAgentRequestBytes`; a longer one is read on (up to
    /// 64 MiB, so the client sees the answer rather than a reset) and answered `413`.
    static func collectAgentBody(_ body: RequestBody) async throws -> ByteBuffer {
        var buffer = ByteBuffer()
        var total = 0
        for try await part in body {
            total += part.readableBytes
            if total <= maxAgentRequestBytes {
                var part = part
                buffer.writeBuffer(&part)
            } else if total > 64 << 20 {
                break
            }
        }
        guard total <= maxAgentRequestBytes else {
            throw SimulatorAPIError(
                .contentTooLarge, code: "request_too_large",
                message: "the request body is too large (at most \(maxAgentRequestBytes) bytes)")
        }
        return buffer
    }

    /// The `data` members describing a session as the create and list answers give it.
    static func sessionMembers(_ session: AgentSession) -> [String: JSONValue] {
        [
            "session_id": .string(session.id),
            "status": .string(session.videoID == nil ? "thinking" : "generating"),
            "video_id": session.videoID.map(JSONValue.string) ?? .null,
            "callback_id": session.callbackID.map(JSONValue.string) ?? .null,
            "created_at": .number(session.createdAt.timeIntervalSince1970.rounded(.down)),
        ]
    }

    /// Checks the fields the API validates; returns the asset ids of `files`.
    static func validateAgentRequest(_ members: [String: JSONValue]) throws -> [String] {
        guard case .string(let prompt)? = members["prompt"] else {
            throw SimulatorAPIError.badRequest("invalid_parameter", "prompt is required and must be a string", param: "prompt")
        }
        guard (1...10_000).contains(prompt.count) else {
            throw SimulatorAPIError.badRequest(
                "invalid_parameter", "prompt must be 1 to 10000 characters (got \(prompt.count))", param: "prompt")
        }
        if let orientation = members["orientation"], orientation != .null,
            orientation != .string("landscape"), orientation != .string("portrait")
        {
            throw SimulatorAPIError.badRequest(
                "invalid_parameter", "orientation must be landscape or portrait", param: "orientation")
        }
        var assetIDs: [String] = []
        switch members["files"] {
        case nil, .null?:
            break
        case .array(let files)?:
            guard files.count <= 20 else {
                throw SimulatorAPIError.badRequest(
                    "invalid_parameter", "at most 20 files may be given (got \(files.count))", param: "files")
            }
            for (index, file) in files.enumerated() {
                guard let object = file.objectValue, object["type"] == .string("asset_id"),
                    let id = object["asset_id"]?.stringValue, !id.isEmpty
                else {
                    throw SimulatorAPIError.badRequest(
                        "invalid_parameter", "each file must be {\"type\":\"asset_id\",\"asset_id\":\"...\"}",
                        param: "files[\(index)]")
                }
                assetIDs.append(id)
            }
        default:
            throw SimulatorAPIError.badRequest("invalid_parameter", "files must be an array", param: "files")
        }
        return assetIDs
    }

    /// `GET /v3/video-agents/{id}`: each poll moves the session on (thinking, then generating with a
    /// `video_id`, then completed or failed with its video). Answers `404` now and then when asked to.
    func videoAgentSession(id: String) throws -> Response {
        let now = Date()
        let (session, video) = try state.withLock { state -> (AgentSession, SimulatedVideo?) in
            guard var session = state.sessions[id] else {
                throw SimulatorAPIError(.notFound, code: "session_not_found", message: "no session \(id)")
            }
            if state.inject("session_not_found", rate: state.faults.sessionNotFoundRate) {
                throw SimulatorAPIError(.notFound, code: "session_not_found", message: "no session \(id)")
            }
            session.polls += 1
            if session.videoID == nil, session.polls >= session.pollsUntilVideoID {
                state.startVideo(for: &session, now: now)
            }
            state.sessions[id] = session
            return (session, session.videoID.flatMap { state.videos[$0] })
        }
        let status: String
        let progress: Int  // percent, an integer 0–100 as the API sends it
        switch video?.outcome {
        case nil where video == nil: (status, progress) = ("thinking", 10)
        case nil: (status, progress) = ("generating", 50)
        case .completed?: (status, progress) = ("completed", 100)
        case .failed?: (status, progress) = ("failed", 100)
        }
        return JSONResponse.data([
            "session_id": .string(session.id),
            "status": .string(status),
            "progress": .number(Double(progress)),
            "video_id": session.videoID.map(JSONValue.string) ?? .null,
            "created_at": .number(session.createdAt.timeIntervalSince1970.rounded(.down)),
        ])
    }
}

extension SimulatorState {
    /// Gives `session` its video.
    mutating func startVideo(for session: inout AgentSession, now: Date) {
        let video = SimulatedVideo(
            id: makeIdentifier("vid_"), sessionID: session.id, createdAt: now,
            pollsUntilCompleted: session.pollsUntilCompleted)
        videos[video.id] = video
        session.videoID = video.id
    }
}
