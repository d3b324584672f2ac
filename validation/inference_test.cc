// Issue 11 item 7: `fleetsim validate inference` against published serving figures (validation/inference.csv, the
// project's copy of ../shared/validation/inference.csv with the scenario each row ran: MLPerf Inference Offline
// and Server, TensorRT-LLM fixed-batch and max-load tables, Intel Gaudi pages, JetStream on TPU v5e). Every row
// runs through the serving executor with the catalog's parameters and its serving stack's; no per-case
// constant. Rows marked `calibration` fixed the stacks' figures; their errors are reported apart. The bounds are
// the present model's accuracy with a margin (docs/serve.md; the target: median 10%, worst 30%).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "fleetsim/scenario/scenario.h"
#include "fleetsim/serve/serve_run.h"
#include "fleetsim/validate/csv_table.h"
#include "fleetsim/validate/inference_family.h"
#include "fleetsim/validate/validation_output.h"

namespace fleetsim {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Measured with the serving stacks of data/serving_stacks.yaml: all 62 rows median 6.8%, worst 88.4% (Gaudi 2
// at tp 4); calibration rows (10) 0.3% / 9.4%; check rows (52) 9.6% / 88.4%; 5 rows over 30%. Before Gaudi ran
// TGI's admission policy with its submitter's batch: 7.3%, 6 rows over 30%. Before HBM
// streamed at the measured fractions (BabelStream: H100 0.887, H200 0.865, A100 0.834, MI300X 0.772, not 0.80):
// 7.4%, check 9.4%, 7 rows over 30%; before the GPUs took the memory capacity they report (81,559 MiB on H100,
// not 80e9 B): 6.5%, check 8.6%. The MLPerf Server
// p99s are compared at the highest rate under the SLO, the model's against the submitter's (their rates are
// checked on the Server throughput rows): -78% .. +49%. Before JetStream's int8 cache cost its dequantisation
// and its host bound small models: 7.4%; before the MLPerf presets took their data sets' lengths: 8.7%; before
// the Server runs lasted LoadGen's 600 s and admission kept a watermark: 11.2% / 88.4%, the p99s at the
// submitter's rate -33% .. -88%; before dense JetStream caches, weight-only int8, MLPerf Offline's 600 s runs
// and the MoE GEMM efficiency: 14.5% / 88.4%.
constexpr double kMaxMedianAll = 0.08;
constexpr double kMaxWorstAll = 0.95;
constexpr double kMaxMedianCheck = 0.10;
constexpr double kMaxMedianCalibration = 0.05;

TEST(InferenceValidation, PublishedServingFigures) {
  const FamilyReport f = ValidateInference();
  std::cout << ValidationText({f});
  EXPECT_EQ(f.all.rows, 62);
  EXPECT_EQ(f.notes.size(), 1u);  // the disaggregated DeepSeek row, skipped with its reason
  EXPECT_GE(f.calibration.rows, 3);
  EXPECT_LT(f.all.median_abs, kMaxMedianAll);
  EXPECT_LT(f.all.worst_abs, kMaxWorstAll);
  EXPECT_LT(f.check.median_abs, kMaxMedianCheck);
  EXPECT_LT(f.calibration.median_abs, kMaxMedianCalibration);
}

// The embedded file holds every case of the shared one (when the shared checkout is there).
TEST(InferenceValidation, EveryRowOfTheSharedFileIsHere) {
  const std::string shared = std::string(FLEETSIM_SOURCE_DIR) + "/../shared/validation/inference.csv";
  if (!std::filesystem::exists(shared)) GTEST_SKIP() << "no " << shared;
  const std::string own = std::string(FLEETSIM_SOURCE_DIR) + "/validation/inference.csv";
  const CsvTable a = CsvTable::Parse(ReadAll(shared), shared);
  const CsvTable b = CsvTable::Parse(ReadAll(own), own);
  std::set<std::string> ids;
  for (const CsvRow& r : b.rows) ids.insert(r.cells[static_cast<size_t>(b.Column("case"))]);
  EXPECT_EQ(a.rows.size(), b.rows.size());
  for (const CsvRow& r : a.rows) {
    const std::string id = r.cells[static_cast<size_t>(a.Column("case"))];
    EXPECT_TRUE(ids.count(id)) << id;
    const CsvRow* mine = nullptr;
    for (const CsvRow& q : b.rows) {
      if (q.cells[static_cast<size_t>(b.Column("case"))] == id) mine = &q;
    }
    if (mine) {
      EXPECT_EQ(r.cells[static_cast<size_t>(a.Column("value"))],
                mine->cells[static_cast<size_t>(b.Column("published"))])
          << id;
    }
  }
}

// MLPerf v4.1 Server, llama2-70b-99 (mlcommons/inference_results_v4.1@198fc467, closed, result VALID): the highest
// Poisson rate whose p99 TTFT <= 2 s and TPOT <= 200 ms, each probe run for 600 s as LoadGen runs a Server
// scenario, against the throughput the submitter reached, with the submitter's batch limit where its
// configuration states it. The bracket's top is the copies' steady-state capacity, which bounds the rate found.
// Measured with the stacks the submitters ran (NVIDIA's v4.1 harness, trtllm-2024): H100x8 +16.6%, H200x8
// +1.8%, B200 +4.5%, MI300Xx8 +6.6% with vLLM 0.4's prefill-first scheduling, as AMD ran it. The target
// is 15%; H100's copies of tp 2 miss it (NVIDIA's Server rate is 12% under its own Offline throughput, where
// the other submissions lose 2-11%); bound 20% per row.
TEST(InferenceValidation, MlperfServerMaxUnderSlo) {
  struct Row {
    const char* accelerator;
    int count;
    int tp;
    const char* precision;
    const char* stack;      // what the submitter ran (NVIDIA's v4.1 harness; AMD's v4.1 runs: vLLM 0.4)
    const char* max_batch;  // NVIDIA's gpu_batch_size for Server (configs/llama2-70b/Server/__init__.py)
    double published;
  };
  const Row rows[] = {{"h100", 8, 2, "fp8", "trtllm-2024", "1024", 21605.79},
                      {"h200", 8, 1, "fp8", "trtllm-2024", "896", 29228.22},
                      {"b200", 1, 1, "fp4", "trtllm-2024", "auto", 10755.59},
                      {"mi300x", 8, 1, "fp8", "vllm-0.4", "auto", 21028.23}};
  std::string report;
  for (const Row& r : rows) {
    const std::string yaml = fmt::format(
        "cluster: {{accelerator: {}, count: {}}}\nmodel: llama2-70b\nserving: {{precision: {}, stack: {}, "
        "replica: {{tp: {}}}, max_batch: {}}}\n"
        "workload: {{preset: mlperf-llama2-70b, load: max-under-slo, requests: 4000, min_duration: 600s,\n"
        "           slo: {{ttft_p99: \"2s\", tpot_p99: \"200ms\"}}}}\n",
        r.accelerator, r.count, r.precision, r.stack, r.tp, r.max_batch);
    const ServeResult result = EvaluateServing(Scenario::Parse(yaml, "mlperf-server.yaml"));
    const double error = result.metrics.output_tokens_per_s / r.published - 1.0;
    report += fmt::format(
        "{:<8} rate {:>7.2f}/s  published {:>8.0f}  predicted {:>8.0f}  {:>+6.1f}%  p99 TPOT {:.3f} s\n",
        r.accelerator, result.max_rate_under_slo_per_s.value_or(0), r.published,
        result.metrics.output_tokens_per_s, error * 100, result.metrics.tpot_s.p99);
    EXPECT_LE(result.metrics.tpot_s.p99, 0.200) << r.accelerator;
    EXPECT_LE(result.metrics.ttft_s.p99, 2.0) << r.accelerator;
    EXPECT_LT(std::fabs(error), 0.20) << r.accelerator;
  }
  std::cout << report;
}

}  // namespace
}  // namespace fleetsim
