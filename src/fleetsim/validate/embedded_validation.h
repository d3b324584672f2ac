// The published validation cases (validation/*.csv), compiled into the library by cmake/embed_files.cmake so that
// `fleetsim validate` runs from any directory. Paths are relative to the source root ("validation/training.csv").
#pragma once

#include <string>
#include <vector>

#include "fleetsim/catalog/embedded_data.h"

namespace fleetsim {

// Every embedded validation file, in path order.
const std::vector<EmbeddedFile>& EmbeddedValidationFiles();

// The text of one embedded validation file; an InternalError when it is not embedded (a build problem).
std::string EmbeddedValidationFile(const std::string& path);

}  // namespace fleetsim
