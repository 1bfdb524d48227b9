import Hummingbird

extension RequestBody {
    /// Reads and drops the rest of the body, so an early answer does not race the client's upload.
    func drain() async throws {
        for try await _ in self {}
    }
}
