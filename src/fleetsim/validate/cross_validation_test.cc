#include "fleetsim/validate/cross_validation.h"

#include <gtest/gtest.h>

namespace fleetsim {
namespace {

// Rows of one paper share a group whatever table or section they come from; rows of one MLPerf round share one
// whatever the submission.
TEST(SourceGroup, OnePaperOrOneMlperfRound) {
  EXPECT_EQ(SourceGroup("Korthikanti et al. MLSys'23 Tables 3 and 5"), "Korthikanti et al. MLSys'23");
  EXPECT_EQ(SourceGroup("Korthikanti et al. MLSys'23 section 6"), "Korthikanti et al. MLSys'23");
  EXPECT_EQ(SourceGroup("Chowdhery et al. 2022 (PaLM) section 4 and Table 3"), "Chowdhery et al. 2022 (PaLM)");
  EXPECT_EQ(SourceGroup("MLPerf Training v4.1 NVIDIA eos_n32_ngc24.09_nemo result logs"), "MLPerf Training v4.1");
  EXPECT_EQ(SourceGroup("MLPerf Training v3.1 eos-dfw_n512 result logs"), "MLPerf Training v3.1");
  EXPECT_EQ(SourceGroup("NVIDIA NeMo 24.07 performance summary"), "NVIDIA NeMo 24.07 performance summary");
}

}  // namespace
}  // namespace fleetsim
