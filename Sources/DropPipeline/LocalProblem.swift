/// A reason, found without contacting the API, why a job cannot go on: it fails with this code and message.
public struct LocalProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The result's error code.
    public var code: FailureCode
    /// One human sentence saying what is wrong and with which file.
    public var message: String

    /// Creates a problem report.
    public init(_ code: FailureCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
