#include "fleetsim/workload/model_math.h"

#include <gtest/gtest.h>

#include "fleetsim/catalog/catalog.h"

namespace fleetsim {
namespace {

// The parameter math against every published total in data/models.yaml (within 1%; DeepSeek-V3 with its
// multi-head latent attention too: 671.03B).
TEST(ModelMath, ParameterCountsMatchPublishedTotals) {
  for (const ModelSpec& m : Catalog::BuiltIn().models()) {
    ASSERT_TRUE(m.published_params.has_value()) << m.id;
    EXPECT_NEAR(TotalParams(m) / *m.published_params, 1.0, 0.01) << m.id << ": " << TotalParams(m);
  }
}

// DeepSeek-V3 (Technical Report, abstract): 37B activated per token. Its latent attention's projections are
// 0.187B per layer, where plain attention of 128 heads of 128 would be 0.47B (and 55B active).
TEST(ModelMath, DeepSeekV3ActiveParametersWithLatentAttention) {
  const ModelSpec* m = Catalog::BuiltIn().FindModel("deepseek-v3");
  ASSERT_NE(m, nullptr);
  ASSERT_TRUE(m->mla.enabled());
  EXPECT_NEAR(CountParams(*m).attention_layer, 187.1e6, 0.1e6);
  EXPECT_NEAR(CountParams(*m).active / 37.0e9, 1.0, 0.02);
}

TEST(ModelMath, MixtralActiveParameters) {
  const ModelSpec* m = Catalog::BuiltIn().FindModel("mixtral-8x7b");
  ASSERT_NE(m, nullptr);
  // Mistral AI: 46.7B total, 12.9B active per token.
  EXPECT_NEAR(CountParams(*m).active / 12.9e9, 1.0, 0.02);
}

// Megatron-LM's count (Narayanan et al. SC'21, eq. 3 without recomputation): per token
// 72*l*h^2*(1 + s/(6h) + V/(12*l*h)) for a GPT with 4h FFN.
TEST(ModelMath, ModelFlopsFollowMegatronFormula) {
  ModelSpec m;
  m.layers = 96;
  m.hidden = 12288;
  m.heads = 96;
  m.kv_heads = 96;
  m.head_dim = 128;
  m.ffn_hidden = 4 * 12288;
  m.vocab = 51200;
  m.ffn = FfnKind::kGelu;
  const double s = 2048, l = 96, h = 12288, v = 51200;
  const double expected = 72.0 * l * h * h * (1.0 + s / (6.0 * h) + v / (12.0 * l * h));
  EXPECT_NEAR(ModelFlopsPerToken(m, 2048) / expected, 1.0, 1e-9);
}

TEST(ModelMath, GroupedQueryAttentionShrinksKeyValueProjections) {
  const ModelSpec* m = Catalog::BuiltIn().FindModel("llama3-70b");
  ASSERT_NE(m, nullptr);
  // 8192 x (8192 + 2 x 1024) + 8192 x 8192 per layer.
  EXPECT_DOUBLE_EQ(CountParams(*m).attention_layer, 8192.0 * (8192 + 2 * 1024) + 8192.0 * 8192);
}

}  // namespace
}  // namespace fleetsim
