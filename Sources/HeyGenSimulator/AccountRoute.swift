import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// `GET /v3/users/me`: a wallet account with a balance. A key in `rejectedKeys` is answered 401 before
    /// this (the key check of every route).
    func account() -> Response {
        JSONResponse.data([
            "username": .string("simulated"),
            "billing_type": .string("wallet"),
            "wallet": .object(["currency": .string("USD"), "remaining_balance": .number(120.5)]),
        ])
    }
}
