/// The account behind the key, as `GET /v3/users/me` reports it.
public struct AccountInfo: Sendable, Equatable {
    /// `wallet`, `subscription`, `usage_based`, or nil when not reported.
    public var billingType: String?
    /// What is left to spend, as reported (`120.5 USD`, `300 credits`); nil when not reported.
    public var remaining: String?

    /// An account.
    public init(billingType: String?, remaining: String?) {
        self.billingType = billingType
        self.remaining = remaining
    }
}

extension HeyGenClient {
    /// The account the key belongs to: `GET /v3/users/me`. One request, never retried; a key the API
    /// refuses throws `.unauthorized`. The balance is the first `remaining_*` number found at the top of
    /// `data` or in the object named by `billing_type`, with that object's `currency` when it has one.
    public func account() async throws(HeyGenError) -> AccountInfo {
        let data = try await send(makeRequest(.GET, "/v3/users/me"))
        let billingType = data["billing_type"]?.nonEmptyString
        var places: [[String: JSONValue]] = [data]
        if let billingType, let nested = data[billingType]?.objectValue { places.insert(nested, at: 0) }
        for place in places {
            for key in place.keys.sorted() where key.hasPrefix("remaining") {
                guard let amount = place[key]?.doubleValue else { continue }
                let unit = place["currency"]?.nonEmptyString ?? (key.contains("credit") ? "credits" : "")
                let number = amount == amount.rounded() ? String(Int64(amount)) : String(amount)
                return AccountInfo(billingType: billingType, remaining: unit.isEmpty ? number : "\(number) \(unit)")
            }
        }
        return AccountInfo(billingType: billingType, remaining: nil)
    }
}
