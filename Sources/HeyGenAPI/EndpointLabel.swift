/// The low-cardinality name of an API endpoint for metrics: the request's path with its query dropped and
/// every segment that is not one of the API's own words replaced by `{id}` (`/v3/videos/{id}`).
enum EndpointLabel {
    /// The words of the API's paths; anything else in a path is an id.
    static let words: Set<Substring> = [
        "v1", "v2", "v3", "assets", "complete", "direct-uploads", "statuses", "video-agents", "video-translations",
        "languages", "videos", "users", "me",
    ]

    /// The label of `url` when it is under `baseURL`; `other` for any other host (never the URL itself).
    static func of(url: String, baseURL: String) -> String {
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base.removeLast() }
        guard url.hasPrefix(base) else { return "other" }
        var path = url.dropFirst(base.count)
        if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<query] }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).prefix(6)
        guard !segments.isEmpty else { return "/" }
        return "/" + segments.map { words.contains($0) ? String($0) : "{id}" }.joined(separator: "/")
    }
}
