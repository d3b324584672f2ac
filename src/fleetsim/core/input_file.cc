#include "fleetsim/core/input_file.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "fleetsim/core/error.h"

namespace fleetsim {

std::string ReadInputFile(const std::string& path, const std::string& what, std::uintmax_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw InputError(path, 0, fmt::format("cannot open the {}: no such file", what));
  if (fs::is_directory(status)) {
    throw InputError(path, 0, fmt::format("cannot read the {}: this is a directory, not a file", what));
  }
  if (!fs::is_regular_file(status)) {
    throw InputError(
        path, 0,
        fmt::format("cannot read the {}: not a regular file (a device, pipe or socket); give a file", what));
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  const std::string limit = fmt::format("{} is limited to {} bytes ({} MiB)", what, max_bytes, max_bytes >> 20);
  if (!ec && size > max_bytes) {
    throw InputError(path, 0, fmt::format("the file has {} bytes; a {}", size, limit));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, fmt::format("cannot open the {}: permission denied or unreadable", what));
  // Read in chunks up to one byte past the limit, in case the file grows while it is read.
  std::string text;
  char chunk[65536];
  while (in && text.size() <= max_bytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError(path, 0, fmt::format("cannot read the {}: read error", what));
  if (text.size() > max_bytes) throw InputError(path, 0, fmt::format("the file grew while read; a {}", limit));
  return text;
}

}  // namespace fleetsim
