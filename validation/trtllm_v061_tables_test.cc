// Check cells nobody fitted: the rest of TensorRT-LLM v0.6.1's published performance tables (NVIDIA/TensorRT-LLM
// docs/source/performance.md @138f96d4, gptSessionBenchmark static batches; "Low Latency" first-token latencies
// from v0.5), the cells that validation/inference.csv does not hold: GPT-J 6B, LLaMA 7B and Falcon 180B on H100
// (fp8 weights and KV cache) and A100 (fp16). The A100 table's header says "out tok/s" without "/GPU"; its cells
// are read per GPU as inference.csv reads them (its two-GPU GPT-J and LLaMA cells agree with that reading within
// 3%, where a total would put them near +100%).
// Measured (trtllm-0.6 stack, nothing fitted on these cells): 32 cells, median |error| 7.7%, worst 30.8%.
// Throughput is predicted low on 17 of 20 cells (-17% .. +6%, median 7%); first-token latency of 128-token
// prompts short on all six models (-16% .. -31%: fixed per-layer costs under-counted at a few hundred tokens, as
// on inference.csv's Llama 2 70B rows), of 2048-token prompts within -22% .. +6%. With HBM streaming at the 0.80
// prior instead of the measured fractions (H100 0.887, A100 0.834): 10.9% / 28.8%.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "fleetsim/scenario/scenario.h"
#include "fleetsim/serve/serve_run.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {
namespace {

struct Cell {
  const char* accelerator;
  const char* model;
  int tp;
  int input;
  int output;  // 1: a first-token latency cell
  int batch;
  double published;  // output tokens/s per GPU, or milliseconds to the first token
};

constexpr double kMaxMedian = 0.14;
constexpr double kMaxWorst = 0.35;

TEST(TrtllmV061Tables, PublishedThroughputAndFirstTokenLatency) {
  const std::vector<Cell> cells = {
      // H100 (FP8), "Throughput (out tok/s/GPU)"
      {"h100", "gptj-6b", 1, 128, 128, 1024, 26150},
      {"h100", "gptj-6b", 1, 128, 2048, 120, 8011},
      {"h100", "gptj-6b", 1, 2048, 128, 64, 2551},
      {"h100", "gptj-6b", 1, 2048, 2048, 64, 3327},
      {"h100", "llama2-7b", 1, 128, 2048, 112, 6818},
      {"h100", "llama2-7b", 1, 2048, 128, 80, 2244},
      {"h100", "falcon-180b", 4, 128, 128, 1024, 987},
      {"h100", "falcon-180b", 8, 128, 2048, 1024, 724},
      {"h100", "falcon-180b", 4, 2048, 128, 64, 112},
      {"h100", "falcon-180b", 4, 2048, 2048, 64, 264},
      // A100 (FP16), "Throughput (out tok/s)"
      {"a100", "gptj-6b", 1, 128, 128, 512, 6374},
      {"a100", "gptj-6b", 2, 128, 2048, 120, 2192},
      {"a100", "gptj-6b", 1, 2048, 128, 60, 670},
      {"a100", "gptj-6b", 2, 2048, 2048, 64, 903},
      {"a100", "llama2-7b", 1, 128, 128, 384, 5586},
      {"a100", "llama2-7b", 1, 128, 2048, 60, 1928},
      {"a100", "llama2-7b", 1, 2048, 128, 52, 591},
      {"a100", "llama2-7b", 2, 2048, 2048, 64, 782},
      {"a100", "falcon-180b", 8, 128, 128, 1024, 232},
      {"a100", "falcon-180b", 8, 128, 2048, 128, 180},
      // "Low Latency": batch 1, 1st token latency (ms), data from v0.5
      {"h100", "gptj-6b", 1, 128, 1, 1, 7},
      {"h100", "gptj-6b", 1, 2048, 1, 1, 29},
      {"h100", "llama2-7b", 1, 128, 1, 1, 7},
      {"h100", "llama2-7b", 1, 2048, 1, 1, 36},
      {"h100", "falcon-180b", 8, 128, 1, 1, 27},
      {"h100", "falcon-180b", 8, 2048, 1, 1, 205},
      {"a100", "gptj-6b", 1, 128, 1, 1, 12},
      {"a100", "gptj-6b", 1, 2048, 1, 1, 129},
      {"a100", "llama2-7b", 1, 128, 1, 1, 16},
      {"a100", "llama2-7b", 1, 2048, 1, 1, 133},
      {"a100", "falcon-180b", 8, 128, 1, 1, 61},
      {"a100", "falcon-180b", 8, 2048, 1, 1, 509},
  };
  std::vector<double> errors;
  std::string report;
  for (const Cell& c : cells) {
    const char* precision = std::string(c.accelerator) == "h100" ? "fp8" : "fp16";
    // gptSessionBenchmark runs its batch size repeatedly: two batches of requests.
    const std::string yaml = fmt::format(
        "cluster: {{accelerator: {}, count: {}}}\nmodel: {}\n"
        "serving: {{precision: {}, kv_precision: {}, replica: {{tp: {}}}, stack: trtllm-0.6, scheduler: static, "
        "max_batch: {}}}\n"
        "workload: {{input_tokens: {}, output_tokens: {}, requests: {}, arrival: offline}}\n",
        c.accelerator, c.tp, c.model, precision, precision, c.tp, c.batch, c.input, c.output, 2 * c.batch);
    const ServeResult r = EvaluateServing(Scenario::Parse(yaml, "trtllm-v061.yaml"));
    const bool latency = c.output == 1;
    const double predicted =
        latency ? r.metrics.ttft_s.p50 * 1e3 : r.metrics.output_tokens_per_s / static_cast<double>(c.tp);
    const double error = predicted / c.published - 1.0;
    errors.push_back(error);
    report += fmt::format(
        "{:<5} {:<12} tp{} {:>5}/{:<5} batch {:>5} {:<12} published {:>7.0f} predicted {:>8.1f} {:+6.1f}%\n",
        c.accelerator, c.model, c.tp, c.input, c.output, c.batch, latency ? "TTFT ms" : "tok/s/GPU", c.published,
        predicted, error * 100);
  }
  const ErrorSummary summary = SummarizeErrors(errors);
  std::cout << report
            << fmt::format("{} cells: median |error| {:.1f}%, worst {:.1f}%\n", summary.rows,
                           summary.median_abs * 100, summary.worst_abs * 100);
  EXPECT_EQ(summary.rows, 32);
  EXPECT_LT(summary.median_abs, kMaxMedian);
  EXPECT_LT(summary.worst_abs, kMaxWorst);
}

}  // namespace
}  // namespace fleetsim
