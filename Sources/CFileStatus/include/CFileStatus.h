// What Swift cannot read from `struct stat` here: under MemberImportVisibility its fields are
// attributed to whichever module first included <sys/stat.h> (NIO's CNIOLinux), so the few facts
// Vigie needs about an open file come through these functions, as plain integers.
#ifndef CFILESTATUS_H
#define CFILESTATUS_H

#include <stdint.h>

/// The file type and permission bits (st_mode) of an open descriptor, or -1 with errno set.
int64_t vigie_fd_mode(int fd);

/// The size in bytes (st_size) of an open descriptor, or -1 with errno set.
int64_t vigie_fd_size(int fd);

/// Whether the mode is a regular file, a directory, a symbolic link.
int vigie_mode_is_regular(int64_t mode);
int vigie_mode_is_directory(int64_t mode);

#endif
