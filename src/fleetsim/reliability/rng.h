// Rng: the Monte Carlo's random numbers, bit-reproducible on every platform: the std::mt19937_64 engine (its
// output sequence is fixed by the C++ standard) with fleetsim's own uniform and exponential transforms (std::
// distributions differ between standard libraries). Uniform takes the top 53 bits; Exponential inverts the CDF.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace fleetsim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // Uniform on [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Exponential with the given rate (> 0): -ln(1 - U) / rate.
  double Exponential(double rate) { return -std::log1p(-Uniform()) / rate; }

 private:
  std::mt19937_64 engine_;
};

// SplitMix64 finaliser (Steele et al. 2014): decorrelated seeds for (run seed, stream, trial).
inline uint64_t MixSeed(uint64_t seed, uint64_t stream, uint64_t trial) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ULL + stream * 0xBF58476D1CE4E5B9ULL + trial * 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace fleetsim
