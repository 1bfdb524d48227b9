import SystemSupport
extension HeyGenClient {
    /// Where and how the client talks to the API.
    public struct Configuration: Sendable {
        /// The API's base URL, e.g. `https://api.heygen.com` or a simulator's `http://127.0.0.1:PORT`.
        public var baseURL: String
        /// The key sent as `X-Api-Key`. It never appears in errors or log lines.
        public var apiKey: String
        /// The `User-Agent` header, `heygen-dropd/<version>`.
        public var userAgent: String
        /// How long one upload may take from connecting to the last byte of the answer.
        public var uploadTimeout: Duration
        /// How long any other call may take from connecting to the last byte of the answer.
        public var requestTimeout: Duration
        /// The largest answer body read, in bytes; a larger one is treated as unreadable.
        public var maxResponseBytes: Int
        /// How long a direct upload's `PUT` to storage may take (a minimum transfer rate, not a fixed total).
        public var directUploadTimeouts = DirectUploadTimeouts()

        /// The default `User-Agent`.
        public static let defaultUserAgent = "heygen-dropd/\(HeyGenClient.version)"
        /// The public API's base URL.
        public static let defaultBaseURL = "https://api.heygen.com"

        /// Creates a configuration.
        public init(
            baseURL: String = Configuration.defaultBaseURL,
            apiKey: String,
            userAgent: String = Configuration.defaultUserAgent,
            uploadTimeout: Duration = .seconds(600),
            requestTimeout: Duration = .seconds(60),
            maxResponseBytes: Int = 1 << 20
        ) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.userAgent = userAgent
            self.uploadTimeout = uploadTimeout
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
        }
    }
}
