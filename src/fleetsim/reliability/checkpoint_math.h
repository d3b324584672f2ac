// Closed forms for checkpointing: the optimal interval between checkpoints given the time to write one (delta) and
// the mean time between the failures that roll back to it (M). Young 1974 is first order; Daly 2006 adds the
// higher-order terms that matter when delta is not small against M. The simulator's sweep reproduces both.
#pragma once

#include "fleetsim/core/units.h"

namespace fleetsim {

// J. W. Young, "A first order approximation to the optimum checkpoint interval", CACM 17(9), 1974:
// tau = sqrt(2 * delta * M).
Seconds YoungInterval(Seconds delta, Seconds mtti);

// J. T. Daly, "A higher order estimate of the optimum checkpoint interval for restart dumps", FGCS 22(3), 2006
// (eq. 37): tau = sqrt(2 delta M) [1 + sqrt(delta / 2M) / 3 + (delta / 2M) / 9] - delta for delta < 2M, else M.
Seconds DalyInterval(Seconds delta, Seconds mtti);

}  // namespace fleetsim
