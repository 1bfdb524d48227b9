/// A failure of a test harness itself (a process that did not start, a wait that timed out), with a message.
public struct HarnessError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }

    /// An error saying `description`.
    public init(description: String) { self.description = description }
}
