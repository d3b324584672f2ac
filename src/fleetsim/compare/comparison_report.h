// The decision report: a Comparison as one self-contained HTML page (report/html_report.h): the figures table,
// charts of time to train, step-time breakdown, MFU, goodput against fleet size, facility power, cost of the run,
// $ per million tokens, rental NPV against price and serving throughput, each with its numbers beneath; then the
// notes (estimates, borrowed calibrations), the plans, the inputs and the sources of the catalog figures used.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/compare/comparison.h"
#include "fleetsim/report/html_report.h"

namespace fleetsim {

// `intro`: paragraphs above the figures (what is compared, how).
// `extra`: charts drawn after the standard ones (the demo's cost bases side by side, its serving fleets).
std::string ComparisonHtml(const Comparison& c, const std::string& title, const std::vector<std::string>& intro,
                           std::vector<ChartSpec> extra = {});

}  // namespace fleetsim
