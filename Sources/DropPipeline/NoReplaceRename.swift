#if canImport(Glibc)
import Glibc
#endif

/// `renameat2(…, RENAME_NOREPLACE)`: a rename that fails instead of replacing an existing destination.
///
/// glibc has it since 2.28 but Swift's Glibc module does not import it, so it is looked up by name.
enum NoReplaceRename {
    /// What the attempt came to.
    enum Outcome: Equatable {
        case renamed
        case failed(Int32)
        /// The C library or the file system does not offer it: fall back to a checked plain rename.
        case unsupported
    }

    private typealias Function = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let noReplace: UInt32 = 1  // RENAME_NOREPLACE
    private static let function: Function? = dlsym(nil, "renameat2").map {
        unsafeBitCast($0, to: Function.self)
    }

    /// Renames `from` to `to` unless `to` exists.
    static func rename(_ from: String, _ to: String) -> Outcome {
        guard let function else { return .unsupported }
        if function(AT_FDCWD, from, AT_FDCWD, to, noReplace) == 0 { return .renamed }
        let code = errno
        return code == EINVAL || code == ENOSYS || code == ENOTSUP ? .unsupported : .failed(code)
    }
}
