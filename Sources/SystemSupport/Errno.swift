#if canImport(Glibc)
import Glibc
#endif

/// The C library's text for an `errno` value (`strerror`), e.g. "No such file or directory".
public func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// The C library's text for the current `errno`.
public func lastErrnoText() -> String {
    errnoText(errno)
}
