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
    guard let directory = opendir(path) else { return .failure(SystemErrno(number: errno)) }
    defer { closedir(directory) }
    var names: [[UInt8]] = []
    while true {
        errno = 0
        guard let entry = readdir(directory) else {
            if errno != 0 { return .failure(SystemErrno(number: errno)) }
            break
        }
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
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
