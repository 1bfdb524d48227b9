#ifndef CSTATFS_SHIM_H
#define CSTATFS_SHIM_H

#include <errno.h>
#include <sys/vfs.h>

/// The f_type of statfs(2) for path (the file system's magic number), or -1 with errno set.
/// Glibc's Swift module map has no <sys/vfs.h>; this is the one call the inbox watcher needs from it.
static inline long long cstatfs_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) {
        return -1;
    }
    return (long long)(unsigned int)info.f_type;
}

#endif
