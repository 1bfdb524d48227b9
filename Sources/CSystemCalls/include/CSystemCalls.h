// System calls Glibc's Swift module does not bring in.
#ifndef C_SYSTEM_CALLS_H
#define C_SYSTEM_CALLS_H

#include <sys/types.h>
#include <sys/xattr.h>

#endif
