/// Checks `probe` every 100 ms until it returns a value, throwing `HarnessError` after `timeout`.
public func eventually<T>(
    _ what: String, timeout: Duration = .seconds(60), _ probe: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let value = try? await probe() { return value }
        try await Task.sleep(for: .milliseconds(100))
    }
    if let value = try await probe() { return value }
    throw HarnessError("timed out waiting until \(what)")
}
