// What Swift cannot read from libc structs here: under MemberImportVisibility the fields of `struct
// stat` and `struct rlimit` are attributed to whichever module first included their header (NIO's
// CNIOLinux), so the few facts Vigie needs come through these functions, as plain integers.
#ifndef CFILESTATUS_H
#define CFILESTATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// The file type and permission bits (st_mode) of an open descriptor, or -1 with errno set.
int64_t vigie_fd_mode(int fd);

/// The size in bytes (st_size) of an open descriptor, or -1 with errno set.
int64_t vigie_fd_size(int fd);

/// The mode and modification time (seconds) of `name` in the directory `dirfd`, not following a final
/// symbolic link; 0, or -1 with errno set.
int vigie_stat_at_nofollow(int dirfd, const char *name, int64_t *mode, int64_t *mtime);

/// Whether the mode is a regular file, a directory, a symbolic link.
int vigie_mode_is_regular(int64_t mode);
int vigie_mode_is_directory(int64_t mode);
int vigie_mode_is_link(int64_t mode);

/// Raises the soft limit of open files to the hard limit (at most `ceiling`); returns the new soft limit, or -1.
int64_t vigie_raise_open_file_limit(int64_t ceiling);

/// read(2) and write(2) under names no Swift type's method shadows, so that no caller names the C
/// library's module (Glibc, Musl or Darwin).
ssize_t vigie_read(int fd, void *buffer, size_t count);
ssize_t vigie_write(int fd, const void *buffer, size_t count);

#endif
