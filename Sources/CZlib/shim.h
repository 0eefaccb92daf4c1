// zlib (Debian package zlib1g-dev), for the gzip members of the cloud-init user-data.
#include <zlib.h>
