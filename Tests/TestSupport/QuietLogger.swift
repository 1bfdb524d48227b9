import Logging

/// A logger that drops everything: for code under test that wants a `Logger` passed in (logging is never
/// bootstrapped in tests).
public func quietLogger(_ label: String = "test") -> Logger {
    Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() })
}
