/// One of the account's video slots, held while a Video Agent session or translation is being created.
/// Give it back with `QueueStore.releaseVideoSlot`.
public struct VideoSlot: Sendable, Hashable {
    /// The slot's identity in its store: unique per acquisition.
    public let token: String

    /// Wraps a slot's token (the stores make slots; this is for backends).
    public init(token: String) { self.token = token }
}
