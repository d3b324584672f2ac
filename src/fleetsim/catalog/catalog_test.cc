#include "fleetsim/catalog/catalog.h"

#include <gtest/gtest.h>

#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

// DESIGN §5: the catalog ids scenarios and scripts rely on.
TEST(Catalog, HoldsEveryContractId) {
  const Catalog& c = Catalog::BuiltIn();
  for (const char* id :
       {"a100",    "h100",    "h200",   "b200", "gb200", "gb300", "mi300x",   "mi325x",  "tpu-v4", "tpu-v5e",
        "tpu-v5p", "tpu-v6e", "tpu-v7", "trn1", "trn2",  "inf2",  "maia-100", "mtia-v2", "gaudi2", "gaudi3"}) {
    EXPECT_NE(c.FindAccelerator(id), nullptr) << id;
  }
  for (const char* id : {"dgx-a100", "hgx-h100", "hgx-h200", "hgx-b200", "gb200-nvl72", "mi300x-8", "tpu-v4-cube",
                         "tpu-v5e-pod", "tpu-v5p-cube", "tpu-v6e-pod", "trn2-ultraserver", "gaudi2-8"}) {
    EXPECT_NE(c.FindNode(id), nullptr) << id;
  }
  for (const char* id : {"ib-hdr-200-clos", "ib-ndr-400-clos", "roce-400-clos", "spectrum-x-400",
                         "tpu-ici-torus-ocs", "tpu-dcn", "efa-v3"}) {
    EXPECT_NE(c.FindFabric(id), nullptr) << id;
  }
  for (const char* id :
       {"gpt3-175b", "llama3-8b", "llama3-70b", "llama3-405b", "mixtral-8x7b", "deepseek-v3", "palm-540b"}) {
    EXPECT_NE(c.FindModel(id), nullptr) << id;
  }
}

TEST(Catalog, EveryFigureHasASource) {
  const Catalog& c = Catalog::BuiltIn();
  for (const Accelerator& a : c.accelerators()) EXPECT_GE(a.sources.size(), 4u) << a.id;
  for (const NodeSpec& n : c.nodes()) EXPECT_GE(n.sources.size(), 2u) << n.id;
  for (const FabricSpec& f : c.fabrics()) EXPECT_GE(f.sources.size(), 2u) << f.id;
  for (const ModelSpec& m : c.models()) EXPECT_GE(m.sources.size(), 1u) << m.id;
}

// validation/chips.csv: datasheet figures the catalog must carry unchanged.
TEST(Catalog, MatchesDatasheetFigures) {
  const Catalog& c = Catalog::BuiltIn();
  const Accelerator* h100 = c.FindAccelerator("h100");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(h100->peak_bf16.value(), 989e12);
  EXPECT_DOUBLE_EQ(h100->Peak(Precision::kFp8).value(), 1979e12);
  EXPECT_DOUBLE_EQ(h100->memory_capacity.value(), 81559.0 * 1048576.0);  // nvidia-smi's memory.total
  EXPECT_DOUBLE_EQ(h100->memory_bandwidth.value(), 3.35e12);
  const Accelerator* a100 = c.FindAccelerator("a100");
  ASSERT_NE(a100, nullptr);
  EXPECT_DOUBLE_EQ(a100->peak_bf16.value(), 312e12);
  EXPECT_FALSE(a100->peak_fp8.has_value());
  EXPECT_DOUBLE_EQ(a100->Peak(Precision::kFp8).value(), 312e12);  // no fp8 units: runs at bf16 rate
}

TEST(Catalog, BrokenReferenceIsAnInputError) {
  EXPECT_THROW(Catalog::FromTexts({{"x.yaml",
                                    "nodes:\n  - id: n\n    accelerator: nope\n    size: 8\n"
                                    "    domain: {kind: switch, bandwidth: \"1GB/s\"}\n"}}),
               InputError);
}

// Issue 9: software stacks are catalog entries; every accelerator has a default, and a published run's source
// names the stack it ran (an MLPerf log's container tag wins over a generic phrase).
TEST(Catalog, StacksHaveDefaultsAndAreNamedBySources) {
  const Catalog& c = Catalog::BuiltIn();
  for (const Accelerator& a : c.accelerators()) EXPECT_FALSE(c.DefaultStack(a.id).id.empty()) << a.id;
  EXPECT_EQ(c.DefaultStack("h100").id, "nemo-24.09");
  EXPECT_EQ(c.DefaultStack("tpu-v5p").id, "maxtext");
  ASSERT_NE(c.StackNamedIn("MLPerf Training v3.1 NVIDIA eos-dfw_n768_ngc23.09_nemo result logs"), nullptr);
  EXPECT_EQ(c.StackNamedIn("MLPerf Training v3.1 NVIDIA eos-dfw_n768_ngc23.09_nemo result logs")->id,
            "nemo-23.09");
  EXPECT_EQ(c.StackNamedIn("MLPerf Training v4.1 NVIDIA eos_n32_ngc24.09_nemo result logs")->id, "nemo-24.09");
  EXPECT_EQ(c.StackNamedIn("Narayanan et al. SC'21 Table 1")->id, "megatron-lm-2021");
  EXPECT_EQ(c.StackNamedIn("a run nobody published"), nullptr);
  for (const StackSpec& s : c.stacks()) EXPECT_GE(s.sources.size(), 1u) << s.id;
}

// Issue 9: an accelerator without a calibration row of its own takes a named calibrated relative's parameters
// and says so; calibrated ones carry no relative.
TEST(Catalog, UncalibratedAcceleratorsNameTheirRelative) {
  const Catalog& c = Catalog::BuiltIn();
  const Accelerator* h100 = c.FindAccelerator("h100");
  const Accelerator* mi300x = c.FindAccelerator("mi300x");
  ASSERT_NE(h100, nullptr);
  ASSERT_NE(mi300x, nullptr);
  EXPECT_TRUE(h100->efficiency.calibrated());
  EXPECT_FALSE(mi300x->efficiency.calibrated());
  EXPECT_EQ(mi300x->efficiency.relative, "h100");
  EXPECT_FALSE(mi300x->efficiency.reason.empty());
  EXPECT_DOUBLE_EQ(mi300x->efficiency.attention, h100->efficiency.attention);
  EXPECT_DOUBLE_EQ(mi300x->efficiency.fp8_matmul, h100->efficiency.fp8_matmul);
  for (const Accelerator& a : c.accelerators()) {
    if (a.efficiency.calibrated()) continue;
    const Accelerator* rel = c.FindAccelerator(a.efficiency.relative);
    ASSERT_NE(rel, nullptr) << a.id;
    EXPECT_TRUE(rel->efficiency.calibrated()) << a.id;
  }
}

// Int8 and fp4 peaks: TPU v5p 918 TOPS int8 (Google Cloud docs); a chip without fp4 units runs fp4 at its fp8
// rate, one without int8 units int8 at its bf16 rate.
TEST(Catalog, LowPrecisionPeaks) {
  const Catalog& c = Catalog::BuiltIn();
  EXPECT_DOUBLE_EQ(c.FindAccelerator("tpu-v5p")->Peak(Precision::kInt8).value(), 918e12);
  EXPECT_DOUBLE_EQ(c.FindAccelerator("b200")->Peak(Precision::kFp4).value(), 9000e12);
  EXPECT_DOUBLE_EQ(c.FindAccelerator("h100")->Peak(Precision::kFp4).value(), 1979e12);
  EXPECT_DOUBLE_EQ(c.FindAccelerator("trn2")->Peak(Precision::kInt8).value(),
                   c.FindAccelerator("trn2")->peak_bf16.value());
}

}  // namespace
}  // namespace fleetsim
