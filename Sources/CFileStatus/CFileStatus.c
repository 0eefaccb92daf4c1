#include "CFileStatus.h"

#include <sys/stat.h>

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
