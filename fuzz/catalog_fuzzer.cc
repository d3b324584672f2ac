// libFuzzer harness: the catalog parser on arbitrary text, read the two ways a user's file reaches it. The first
// byte picks the way: even, as a catalog file of its own (Catalog::FromTexts, what reads data/*.yaml); odd, as a
// --catalog-overlay over the built-in catalog (Catalog::WithOverlayText: entries that override built-in ones,
// calibration with relatives). Bad input must end in an InputError; anything else is a finding.
#include <cstdint>
#include <string>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > fleetsim::kMaxInputFileBytes) return 0;
  const bool overlay = (data[0] & 1) != 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const fleetsim::Catalog c = overlay ? fleetsim::Catalog::WithOverlayText(text, "fuzz.yaml")
                                        : fleetsim::Catalog::FromTexts({{"fuzz.yaml", text}});
    for (const fleetsim::Accelerator& a : c.accelerators()) (void)c.FindAccelerator(a.id);
  } catch (const fleetsim::InputError&) {
  }
  return 0;
}
