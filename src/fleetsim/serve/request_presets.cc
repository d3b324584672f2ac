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
      // reference implementation). Input: mean 222.3 tokens (min 48, max 1,021, median 152, p99 791) and
      // log-space s.d. 0.648, D: the input_length column of openshift-psap/performance-dashboard
      // mlperf-data/summaries/llama2-70b-99.csv (all 24,576 rows; the sum, 5,463,976, is also stated by
      // FlashLab-MBZUAI/HBFSim validation/calibration/h100-llama2-70b-calibration-protocol.json for the
      // official pickle). Output mean 290 tokens, D: tokens/s / samples/s of the v4.1 NVIDIA DGX-H100 Offline
      // log, 24524.9 / 84.4792 = 290.3 (MLPerf's README: 294.45 tokens per sample); its spread is the GPT-4
      // reference answers' to the same prompts (log-space s.d. 1.106 in the same file), for lack of Llama 2's.
      {"mlperf-llama2-70b", Lognormal(222.3, 1021, 0.648), Lognormal(290, 1024, 1.106),
       "MLPerf Inference llama2-70b (OpenOrca): input lengths of the data set (D), output mean from the NVIDIA "
       "Offline log (D)"},
      // MLPerf Inference mixtral-8x7b (15,000 samples, 5,000 each of OpenOrca, GSM8K and MBXP). D: the
      // input_length and output_length columns of openshift-psap/performance-dashboard
      // mlperf-data/summaries/mixtral-8x7b.csv (all 15,000 rows): input mean 427.4 tokens (max 1,948, log-space
      // s.d. 0.830), output mean 144.8 (max 1,024, s.d. 0.688); MLPerf's README states 144.84 tokens per sample
      // and the v4.1 NVIDIA DGX-H100 Offline log gives 52415.9 / 359.173 = 145.9.
      {"mlperf-mixtral-8x7b", Lognormal(427.4, 1948, 0.830), Lognormal(144.8, 1024, 0.688),
       "MLPerf Inference mixtral-8x7b (OpenOrca, GSM8K, MBXP): lengths of the data set (D)"},
      // MLPerf Inference llama3.1-405b (8,313 long-context samples: LongBench, LongDataCollections, RULER,
      // GovReport and others; outputs capped at 2,000 tokens). D: the same dashboard's
      // mlperf-data/summaries/llama3.1-405b file (all 8,313 rows): input mean 9,428.6 tokens (min 476, max 19,988,
      // median 10,112: the lognormal's right skew is an approximation), log-space s.d. 0.558; output mean 684.7
      // (max 1,830, s.d. 0.583), as MLPerf's README states (684.68 tokens per sample).
      {"mlperf-llama3.1-405b", Lognormal(9428.6, 19988, 0.558), Lognormal(684.7, 2000, 0.583),
       "MLPerf Inference llama3.1-405b (long-context mix): lengths of the data set (D)"},
      // MLPerf Inference llama3.1-8b (v5.1, CNN/DailyMail summarisation, 13,368 samples). D: the same
      // dashboard's mlperf-data/summaries/llama3-1-8b-datacenter.csv (all 13,368 rows): input mean 870.7 tokens
      // (max 2,540, log-space s.d. 0.504), output mean 81.6 (max 2,135, s.d. 0.372; the file's output lengths,
      // which may be the reference summaries').
      {"mlperf-llama3.1-8b", Lognormal(870.7, 2540, 0.504), Lognormal(81.6, 2135, 0.372),
       "MLPerf Inference llama3.1-8b (CNN/DailyMail summaries): lengths of the data set (D)"},
      // MLPerf Inference deepseek-r1 (v5.1 reasoning benchmark, 4,388 samples; outputs capped at 20,000 tokens).
      // D: the input_length and output_length columns of openshift-psap/performance-dashboard
      // datasets/summaries/deepseek-r1.csv (all 4,388 rows, written from the official
      // mlperf_deepseek_r1_dataset_4388_fp8_eval.pkl's tok_input_len and tok_ref_output_len): input mean 803.8
      // tokens (min 52, max 3,140, log-space s.d. 0.868; two clusters, 1,110 prompts under 500 tokens averaging
      // 180 and the rest averaging 1,015, which one lognormal smooths over), output mean 3,886.2 with the 20,000
      // cap (log-space s.d. 1.023), as MLPerf's README states (mean-output-tok-len 3886.2274).
      {"mlperf-deepseek-r1", Lognormal(803.8, 3140, 0.868), Lognormal(3886.2, 20000, 1.023),
       "MLPerf Inference deepseek-r1 (reasoning): lengths of the data set (D)"},
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
