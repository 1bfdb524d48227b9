extension APIResponse {
    /// Like `classify()`, but a successful answer yields its whole top-level object (its `data` may be an array,
    /// next to `has_more` and `next_token`). Errors, and 2xx answers carrying an `error`, classify as usual.
    func classifyWhole() -> Result<[String: JSONValue], HeyGenError> {
        guard (200..<300).contains(status), let object = json?.objectValue else { return classify() }
        if let errorValue = object["error"], errorValue != .null { return classify() }
        return .success(object)
    }
}
