// libFuzzer harness: the catalog parser (Catalog::FromTexts, what reads data/*.yaml and user catalog files) on
// arbitrary text as one catalog file. Bad input must end in an InputError; anything else is a finding.
#include <cstdint>
#include <string>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fleetsim::kMaxInputFileBytes) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const fleetsim::Catalog c = fleetsim::Catalog::FromTexts({{"fuzz.yaml", text}});
    for (const fleetsim::Accelerator& a : c.accelerators()) (void)c.FindAccelerator(a.id);
  } catch (const fleetsim::InputError&) {
  }
  return 0;
}
