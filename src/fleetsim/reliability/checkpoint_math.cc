#include "fleetsim/reliability/checkpoint_math.h"

#include <cmath>

namespace fleetsim {

Seconds YoungInterval(Seconds delta, Seconds mtti) {
  return Seconds(std::sqrt(2.0 * delta.value() * mtti.value()));
}

Seconds DalyInterval(Seconds delta, Seconds mtti) {
  const double d = delta.value();
  const double m = mtti.value();
  if (d >= 2.0 * m) return mtti;
  const double x = d / (2.0 * m);
  return Seconds(std::sqrt(2.0 * d * m) * (1.0 + std::sqrt(x) / 3.0 + x / 9.0) - d);
}

}  // namespace fleetsim
