// ReadInputFile: the one way fleetsim reads a file a user names (a scenario, a catalog file, a cases CSV). The
// path must name a regular file no larger than a stated limit, so a device (/dev/zero), a pipe or a directory
// fails at once with a message instead of being read without end. Every problem is an InputError naming the file.
#pragma once

#include <cstdint>
#include <string>

namespace fleetsim {

// Scenario and catalog files are a few kilobytes; 1 MiB leaves room for generated ones while keeping the YAML
// parser's memory (a few hundred bytes per node) well under 200 MB.
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{1} << 20;

// The whole file; `what` names it in messages ("scenario file").
std::string ReadInputFile(const std::string& path, const std::string& what = "file",
                          std::uintmax_t max_bytes = kMaxInputFileBytes);

}  // namespace fleetsim
