// System calls Glibc's Swift module does not bring in.
#ifndef C_SYSTEM_CALLS_H
#define C_SYSTEM_CALLS_H

#include <errno.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

/// The f_type of statfs(2) for path (the file system's magic number), or -1 with errno set.
static inline long long cstatfs_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) {
        return -1;
    }
    return (long long)(unsigned int)info.f_type;
}

#endif
