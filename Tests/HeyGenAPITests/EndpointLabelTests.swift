import Testing

@testable import HeyGenAPI

/// The endpoint label of the API request metrics: a path template, never an id or a query.
@Suite struct EndpointLabelTests {
    @Test func idsAndQueriesAreDropped() {
        let base = "http://127.0.0.1:8089"
        #expect(EndpointLabel.of(url: base + "/v3/assets", baseURL: base) == "/v3/assets")
        #expect(EndpointLabel.of(url: base + "/v3/videos/4f2a9c", baseURL: base + "/") == "/v3/videos/{id}")
        #expect(EndpointLabel.of(url: base + "/v3/videos/statuses?video_ids=a,b", baseURL: base) == "/v3/videos/statuses")
        #expect(EndpointLabel.of(url: base + "/v3/assets/as_1/complete", baseURL: base) == "/v3/assets/{id}/complete")
        #expect(EndpointLabel.of(url: base + "/v3/video-agents?limit=100", baseURL: base) == "/v3/video-agents")
        #expect(EndpointLabel.of(url: base + "/v3/users/me", baseURL: base) == "/v3/users/me")
        #expect(EndpointLabel.of(url: "https://storage.example/put/abc?sig=x", baseURL: base) == "other")
    }
}
