import HeyGenAPI
import Hummingbird

/// An error answer of the simulated API, rendered as
/// `{"error": {"code", "message", "param", "doc_url"}}` with its HTTP status.
struct SimulatorAPIError: Error, CustomStringConvertible {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var param: String?
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, code: String, message: String, param: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.headers = headers
    }

    var description: String { "\(status.code) \(code): \(message)" }

    /// The error object, as carried by an error response (or by a 200 with an error body).
    var body: JSONValue {
        .object([
            "error": .object([
                "code": .string(code),
                "message": .string(message),
                "param": param.map(JSONValue.string) ?? .null,
                "doc_url": .null,
            ])
        ])
    }

    /// The HTTP response for this error.
    var response: Response {
        JSONResponse.make(status: status, body, headers: headers)
    }

    static func badRequest(_ code: String, _ message: String, param: String? = nil) -> SimulatorAPIError {
        SimulatorAPIError(.badRequest, code: code, message: message, param: param)
    }
}
