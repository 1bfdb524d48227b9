#if canImport(Glibc)
import Glibc
#endif
import SystemSupport

/// Says why a file in the inbox could not be opened for reading, for its result and log line: whose it is,
/// its mode, and what to do. The owner and mode come from `fstatat` on the name (no symlink followed), only
/// to be shown: nothing is decided from them.
enum AccessDenial {
    /// `cannot read NAME: permission denied (owner alice, uid 1001, mode 0600: the group cannot read it); the
    /// owner can run chmod g+r NAME, then heygen-dropd retry`.
    static func describe(_ name: String, in folder: InboxEntry, label: String) -> String {
        var info = stat()
        guard fstatat(folder.descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            return "cannot read \(label): permission denied"
        }
        let mode = String(info.st_mode & 0o7777, radix: 8)
        let padded = String(repeating: "0", count: max(0, 4 - mode.count)) + mode
        var owner = "owner uid \(info.st_uid)"
        if info.st_uid == 65534 {
            // Under the unit's PrivateUsers=yes every other user shows as the overflow id.
            owner = "owner another user (the service's sandbox cannot name them)"
        } else if let entry = getpwuid(info.st_uid), let user = entry.pointee.pw_name {
            owner = "owner \(String(cString: user)), uid \(info.st_uid)"
        }
        let groupReadable = info.st_mode & S_IRGRP != 0
        let why = groupReadable ? "the daemon is not allowed to read it" : "the group cannot read it"
        return "cannot read \(label): permission denied (\(owner), mode \(padded): \(why)); "
            + "the owner can fix it with chmod g+r (it is then in failed/), then run heygen-dropd retry"
    }
}
