import Glibc

/// One inotify record: the 16-byte header (wd, mask, cookie, len) and the name that follows it.
package struct InotifyEvent: Equatable, Sendable {
    /// The watch the event is about; -1 for IN_Q_OVERFLOW.
    package var watch: Int32
    /// IN_* bits.
    package var mask: UInt32
    /// Pairs IN_MOVED_FROM with IN_MOVED_TO.
    package var cookie: UInt32
    /// The entry's name inside the watched directory, without the NUL padding; empty for events on the directory itself.
    package var name: [UInt8]

    package init(watch: Int32, mask: UInt32, cookie: UInt32, name: [UInt8]) {
        self.watch = watch
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }

    /// True when any of `bits` is set in the mask.
    func has(_ bits: UInt32) -> Bool { mask & bits != 0 }

    /// The size of the fixed header before the name.
    package static let headerSize = 16

    /// Parses every complete record in `buffer` (what one `read` of an inotify descriptor returned).
    /// Records are walked by 16 + len bytes; fields are read unaligned; a truncated tail is dropped.
    package static func parse(_ buffer: UnsafeRawBufferPointer) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var offset = 0
        while offset + headerSize <= buffer.count {
            let watch = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard nameStart + length <= buffer.count else { break }
            let name = Array(buffer[nameStart..<(nameStart + length)].prefix { $0 != 0 })
            events.append(InotifyEvent(watch: watch, mask: mask, cookie: cookie, name: name))
            offset = nameStart + length
        }
        return events
    }
}

/// The IN_* masks the watcher uses, as UInt32.
package enum InotifyMask {
    package static let modify = UInt32(IN_MODIFY)
    package static let attrib = UInt32(IN_ATTRIB)
    package static let closeWrite = UInt32(IN_CLOSE_WRITE)
    package static let movedFrom = UInt32(IN_MOVED_FROM)
    package static let movedTo = UInt32(IN_MOVED_TO)
    package static let create = UInt32(IN_CREATE)
    package static let delete = UInt32(IN_DELETE)
    package static let deleteSelf = UInt32(IN_DELETE_SELF)
    package static let moveSelf = UInt32(IN_MOVE_SELF)
    package static let unmount = UInt32(IN_UNMOUNT)
    package static let queueOverflow = UInt32(IN_Q_OVERFLOW)
    package static let ignored = UInt32(IN_IGNORED)
    package static let onlyDirectory = UInt32(IN_ONLYDIR)
    package static let dontFollow = UInt32(IN_DONT_FOLLOW)
    package static let isDirectory = UInt32(IN_ISDIR)

    /// The watch on a directory that is gone or no longer ours.
    package static let lost = deleteSelf | moveSelf | ignored | unmount

    /// Everything that tells about entries appearing, changing or leaving, and the directory itself going away.
    package static let contents =
        closeWrite | movedTo | create | modify | delete | movedFrom | attrib | deleteSelf | moveSelf

    /// The inbox itself (may be reached through a symlink).
    package static let inbox = contents | onlyDirectory
    /// A bundle directory inside the inbox (never through a symlink).
    package static let bundle = contents | onlyDirectory | dontFollow
}

/// An inotify instance (non-blocking, close-on-exec).
struct InotifyDescriptor: Sendable {
    let fd: Int32

    /// Creates the instance and watches the inbox; throws a clear error naming the path and, for
    /// limits, which sysctl ran out.
    static func watchingInbox(_ path: String) throws(InboxWatcherError) -> (InotifyDescriptor, watch: Int32) {
        try InboxCheck.requireDirectory(path)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0 {
            let number = errno
            switch number {
            case EMFILE, ENFILE:
                throw .instanceLimitReached(path, limit: procValue("/proc/sys/fs/inotify/max_user_instances"))
            default:
                throw .systemError(path, operation: "inotify_init1", errno: number)
            }
        }
        let descriptor = InotifyDescriptor(fd: fd)
        switch descriptor.addWatch(path, mask: InotifyMask.inbox) {
        case .success(let watch):
            return (descriptor, watch)
        case .failure(let failure):
            let number = failure.number
            descriptor.close()
            if number == ENOSPC {
                throw .watchLimitReached(path, limit: procValue("/proc/sys/fs/inotify/max_user_watches"))
            }
            throw InboxCheck.failure(path, operation: "inotify_add_watch", errno: number)
        }
    }

    /// Adds (or updates) a watch; the watch descriptor or the errno.
    func addWatch(_ path: String, mask: UInt32) -> Result<Int32, SystemErrno> {
        let watch = inotify_add_watch(fd, path, mask)
        return watch < 0 ? .failure(SystemErrno(number: errno)) : .success(watch)
    }

    /// Removes a watch (the kernel then queues IN_IGNORED for it); errors are of no interest.
    func removeWatch(_ watch: Int32) {
        _ = inotify_rm_watch(fd, watch)
    }

    func close() {
        _ = Glibc.close(fd)
    }
}
