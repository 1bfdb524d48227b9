/// Random identifiers such as `asset_3f9a…`; drawn from the system's random source so they
/// never shift the seeded fault sequence.
func makeIdentifier(_ prefix: String) -> String {
    var system = SystemRandomNumberGenerator()
    let high = UInt64.random(in: .min ... .max, using: &system)
    let low = UInt32.random(in: .min ... .max, using: &system)
    return prefix + String(high, radix: 16).leftPadded(16) + String(low, radix: 16).leftPadded(8)
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
