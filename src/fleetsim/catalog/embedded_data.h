// The catalog files under data/, compiled into the library by cmake/embed_files.cmake so that fleetsim needs no
// data directory at run time. Paths are relative to the source root ("data/nodes.yaml").
#pragma once

#include <string_view>
#include <vector>

namespace fleetsim {

struct EmbeddedFile {
  std::string_view path;
  std::string_view content;
};

// Every embedded file, in path order.
const std::vector<EmbeddedFile>& EmbeddedFiles();

}  // namespace fleetsim
