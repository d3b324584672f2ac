// What HTML reports embed, compiled into the library by cmake/embed_files.cmake from Debian packages at build time
// (never fetched): Chart.js from libjs-chart.js ("chart.js/chart.min.js", relative to /usr/share/javascript).
#pragma once

#include <vector>

#include "fleetsim/catalog/embedded_data.h"

namespace fleetsim {

const std::vector<EmbeddedFile>& EmbeddedReportAssets();

}  // namespace fleetsim
