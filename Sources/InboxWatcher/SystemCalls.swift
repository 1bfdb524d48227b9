import Glibc
import SystemSupport

/// The system's text for an errno value, with the number.
func errorText(_ number: Int32) -> String {
    "\(errnoText(number)) (errno \(number))"
}

/// The first line of a /proc file (e.g. an inotify limit), or "unknown".
func procValue(_ path: String) -> String {
    guard let file = fopen(path, "r") else { return "unknown" }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 64)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return "unknown" }
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let text = String(decoding: bytes, as: UTF8.self)
    return text.trimmingSuffix { $0 == "\n" || $0 == " " }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var result = self
        while let last = result.last, predicate(last) { result.removeLast() }
        return result
    }
}

/// The names in a directory (without "." and ".."), as raw bytes, or the errno that stopped the listing.
func directoryEntries(_ path: String) -> Result<[[UInt8]], SystemErrno> {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { return .failure(SystemErrno(number: errno)) }
    defer { close(fd) }
    return directoryEntries(of: fd)
}

/// The names in the open directory `fd` (without "." and ".."), from its start, as raw bytes, or the errno
/// that stopped the listing. `fd` stays open (the listing reads through a duplicate, which shares its offset).
func directoryEntries(of fd: Int32) -> Result<[[UInt8]], SystemErrno> {
    let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
    guard copy >= 0 else { return .failure(SystemErrno(number: errno)) }
    guard let directory = fdopendir(copy) else {
        let number = errno
        close(copy)
        return .failure(SystemErrno(number: number))
    }
    defer { closedir(directory) }
    rewinddir(directory)
    var names: [[UInt8]] = []
    while true {
        errno = 0
        guard let entry = readdir(directory) else {
            if errno != 0 { return .failure(SystemErrno(number: errno)) }
            break
        }
        let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
            Array(raw.prefix { $0 != 0 })
        }
        if name == [0x2E] || name == [0x2E, 0x2E] { continue }
        names.append(name)
    }
    return .success(names)
}

/// An errno value carried as an error.
struct SystemErrno: Error, Equatable {
    let number: Int32
}

/// The timeout for `poll(2)` to wait from `now` until `deadline`, in milliseconds rounded up (so the wait
/// never ends before it): 0 when it has passed, -1 (no timeout) when there is none.
func waitMilliseconds(from now: ContinuousClock.Instant, to deadline: ContinuousClock.Instant?) -> Int32 {
    guard let deadline else { return -1 }
    guard deadline > now else { return 0 }
    let remaining = now.duration(to: deadline).components
    let milliseconds =
        remaining.seconds * 1000 + (remaining.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: milliseconds)
}
