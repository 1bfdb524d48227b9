extension HeyGenSimulator {
    /// How many stored assets hold each content, keyed by the SHA-256 of their bytes (lowercase hex): the
    /// same bytes uploaded twice (without an `Idempotency-Key` replay) count 2. Covers the assets still
    /// retained (see `SimulatorRetention`), made by `POST /v3/assets` or a completed direct upload.
    public var storedAssetsByChecksum: [String: Int] {
        state.withLock { state in
            var counts: [String: Int] = [:]
            for asset in state.assets.values { counts[asset.sha256, default: 0] += 1 }
            return counts
        }
    }
}
