#include "fleetsim/serve/request_presets.h"

namespace fleetsim {
namespace {

LengthSpec Lognormal(double mean, int64_t max, double sigma) {
  return {mean, 1, max, LengthDistribution::kLognormal, sigma};
}

}  // namespace

// Sources (docs/serve.md repeats them). D: derived from primary data with the formula given; S: secondary.
const std::vector<RequestPreset>& RequestPresets() {
  static const std::vector<RequestPreset> presets = {
      // MLPerf Inference llama2-70b (24,576 OpenOrca samples, inputs and outputs capped at 1,024 tokens by the
      // reference implementation). Output mean 290 tokens, D: tokens/s / samples/s of the v4.1 NVIDIA
      // DGX-H100 Offline log, 24524.9 / 84.4792 = 290.3. Input mean 294 tokens, S: the MLCommons Llama 2 70B
      // task-force description; the log-space spread 0.8 is an assumption (OpenOrca prompts are a long-tailed
      // mix of short questions and long system prompts).
      {"mlperf-llama2-70b", Lognormal(294, 1024, 0.8), Lognormal(290, 1024, 0.6),
       "MLPerf Inference v4.1 llama2-70b (OpenOrca); output mean from the NVIDIA Offline log (D)"},
      // MLPerf Inference mixtral-8x7b (15,000 samples of OpenOrca, GSM8K and MBXP). Output mean 146 tokens, D:
      // 52415.9 / 359.173 = 145.9 from the v4.1 NVIDIA DGX-H100 Offline log. Input: taken as OpenOrca's
      // (an assumption: the data set's prompt lengths were not read).
      {"mlperf-mixtral-8x7b", Lognormal(294, 2048, 0.8), Lognormal(146, 2048, 0.8),
       "MLPerf Inference v4.1 mixtral-8x7b; output mean from the NVIDIA Offline log (D), input assumed"},
      // Azure LLM inference trace 2023, conversation service (Patel et al., Splitwise, ISCA 2024; CC-BY 4.0):
      // 19,365 requests; context mean 1,154.7 tokens (max 14,050), generated mean 211.1 (max 992), D: means
      // and maxima of the ContextTokens and GeneratedTokens columns of AzureLLMInferenceTrace_conv.csv.
      {"azure-conv", Lognormal(1154.7, 14050, 1.0), Lognormal(211.1, 992, 1.0),
       "Azure LLM inference trace 2023 (conversation), column means and maxima (D)"},
      // The same trace, code service: 8,818 requests; context mean 2,047.9 (max 7,437), generated mean 27.9
      // (max 99), D as above from AzureLLMInferenceTrace_code.csv.
      {"azure-code", Lognormal(2047.9, 7437, 0.8), Lognormal(27.9, 99, 0.8),
       "Azure LLM inference trace 2023 (code), column means and maxima (D)"},
      // ShareGPT conversations as vLLM and JetStream benchmark them: prompt mean 161.3 tokens and output mean
      // 338.0 tokens, S: Kwon et al., "Efficient Memory Management for Large Language Model Serving with
      // PagedAttention" (SOSP 2023), section 6.1 / Fig. 11a; both capped at 1,024 tokens as JetStream's
      // benchmark_serving.py caps them. The log-space spreads are assumptions.
      {"sharegpt", Lognormal(161.3, 1024, 1.0), Lognormal(338.0, 1024, 0.8),
       "ShareGPT as in vLLM (SOSP'23) section 6.1: means 161.3 / 338.0 tokens (S), capped at 1,024"},
  };
  return presets;
}

const RequestPreset* FindRequestPreset(const std::string& id) {
  for (const RequestPreset& p : RequestPresets()) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::vector<std::string> RequestPresetIds() {
  std::vector<std::string> ids;
  for (const RequestPreset& p : RequestPresets()) ids.push_back(p.id);
  return ids;
}

}  // namespace fleetsim
