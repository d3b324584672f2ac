// libFuzzer harness: the Chakra execution-trace reader on arbitrary bytes, then the replay of what it accepted on
// one HGX H100 node. Bad input must end in an InputError (truncated or malformed messages, missing attributes,
// dependency cycles that stall); anything else is a finding.
#include <cstdint>
#include <string>

#include "fleetsim/chakra/chakra_replay.h"
#include "fleetsim/chakra/chakra_trace.h"
#include "fleetsim/core/error.h"
#include "fleetsim/net/network.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  static const fleetsim::ClusterSpec cluster = fleetsim::MakeClusterSpec("hgx-h100", "", 8);
  try {
    const fleetsim::ChakraTrace trace =
        fleetsim::ParseChakraTrace(std::string(reinterpret_cast<const char*>(data), size), "fuzz.et");
    (void)fleetsim::ReplayChakra({trace}, cluster, 8);
  } catch (const fleetsim::InputError&) {
  }
  return 0;
}
