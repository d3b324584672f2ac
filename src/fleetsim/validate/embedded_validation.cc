#include "fleetsim/validate/embedded_validation.h"

#include "fleetsim/core/error.h"

namespace fleetsim {

std::string EmbeddedValidationFile(const std::string& path) {
  for (const EmbeddedFile& f : EmbeddedValidationFiles()) {
    if (f.path == path) return std::string(f.content);
  }
  throw InternalError("validation file not embedded in the library: " + path);
}

}  // namespace fleetsim
