// The version this binary was built as. Scripts/package.sh sets it from `git describe` (the
// VIGIE_VERSION environment variable, read by Package.swift and defined for this file only, so a
// new version recompiles this one file and relinks); a plain `swift build` says the base version.
#ifndef CVIGIEBUILD_H
#define CVIGIEBUILD_H

/// The version, a NUL-terminated ASCII string of letters, digits and `.+~-`.
const char *vigie_build_version(void);

#endif
