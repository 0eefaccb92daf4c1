#include "CSystemShims.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int64_t vigie_fd_mode(int fd) {
    struct stat info;
    if (fstat(fd, &info) != 0) return -1;
    return (int64_t)info.st_mode;
}

int64_t vigie_fd_size(int fd) {
    struct stat info;
    if (fstat(fd, &info) != 0) return -1;
    return (int64_t)info.st_size;
}

int vigie_mode_is_regular(int64_t mode) { return S_ISREG((mode_t)mode) ? 1 : 0; }
int vigie_mode_is_directory(int64_t mode) { return S_ISDIR((mode_t)mode) ? 1 : 0; }

int vigie_stat_at_nofollow(int dirfd, const char *name, int64_t *mode, int64_t *mtime) {
    struct stat info;
    if (fstatat(dirfd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) return -1;
    *mode = (int64_t)info.st_mode;
    *mtime = (int64_t)info.st_mtime;
    return 0;
}

int vigie_mode_is_link(int64_t mode) { return S_ISLNK((mode_t)mode) ? 1 : 0; }

int64_t vigie_raise_open_file_limit(int64_t ceiling) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    rlim_t wanted = limit.rlim_max;
    if (ceiling > 0 && wanted > (rlim_t)ceiling) wanted = (rlim_t)ceiling;
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = wanted;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    }
    return (int64_t)limit.rlim_cur;
}

ssize_t vigie_read(int fd, void *buffer, size_t count) { return read(fd, buffer, count); }

ssize_t vigie_write(int fd, const void *buffer, size_t count) { return write(fd, buffer, count); }
