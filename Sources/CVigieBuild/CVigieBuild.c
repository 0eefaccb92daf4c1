#include "CVigieBuild.h"

#ifndef VIGIE_VERSION
#define VIGIE_VERSION "0.1.0"
#endif

const char *vigie_build_version(void) { return VIGIE_VERSION; }
