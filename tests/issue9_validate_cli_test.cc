// Issue 9: `fleetsim validate`, `fleetsim calibrate` and `--catalog-overlay` from the command line. `validate all`
// prints every family's table and exits 0; a user's cases file with a bad row gets `file:line: error:` and exit 2;
// an overlay changes a prediction; calibrate writes an overlay that the other commands take; output is
// deterministic.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_test_util.h"

namespace fleetsim {
namespace {

using testing::RunFleetsim;
using testing::WriteTempFile;

const char* kScenario = R"(name: overlay-probe
cluster: {accelerator: h100, count: 64}
model: llama3-8b
training: {seq_len: 8192, global_batch: 128, micro_batch: 1, recompute: none, zero: 1,
           parallelism: {tp: 1, pp: 1, dp: 64}}
)";

// Two measured runs in the columns of validation/training.csv (a subset, as a user would write them).
const char* kCases =
    "case,source,accelerator,count,model,seq_len,global_batch,micro_batch,tp,pp,dp,recompute,precision,metric,"
    "value,notes\n"
    "run-a,my cluster,h100,64,llama3-8b,8192,128,1,1,1,64,none,bf16,tokens_per_s_per_device,9100,\"first, warm\"\n"
    "run-b,my cluster,h100,64,llama3-8b,4096,256,2,2,1,32,none,bf16,step_time_s,2.6,\n";

double StepTime(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"estimate", WriteTempFile("issue9-probe.yaml", kScenario), "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = RunFleetsim(args);
  EXPECT_EQ(r.code, 0) << r.err;
  return nlohmann::json::parse(r.out)["step_time_s"].get<double>();
}

TEST(Issue9ValidateCli, ValidateAllPrintsEveryFamilyAndExitsZero) {
  const auto r = RunFleetsim({"validate", "all"});
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* family : {"== training:", "== collectives:", "== reliability:", "== economics:"}) {
    EXPECT_NE(r.out.find(family), std::string::npos) << family;
  }
  for (const char* row : {"llama3-405b-8k", "h100-8-nvls", "llama3-unexpected", "h100-breakeven"}) {
    EXPECT_NE(r.out.find(row), std::string::npos) << row;
  }
  EXPECT_NE(r.out.find("median / worst |error|: all"), std::string::npos);
}

TEST(Issue9ValidateCli, JsonReportsCalibrationAndCheckRowsApart) {
  const auto r = RunFleetsim({"validate", "training", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["families"].size(), 1u);
  const auto& f = j["families"][0];
  EXPECT_EQ(f["family"], "training");
  const int rows = static_cast<int>(f["rows"].size());
  EXPECT_GE(rows, 37);
  const int cal = f["summary"]["calibration"]["rows"], check = f["summary"]["check"]["rows"];
  EXPECT_GT(cal, 0);
  EXPECT_EQ(cal + check, rows);
  for (const char* key : {"case", "source", "published", "predicted", "error", "role", "detail"}) {
    EXPECT_TRUE(f["rows"][0].contains(key)) << key;
  }
}

TEST(Issue9ValidateCli, UsersCasesRunAndLimitsSetTheExitCode) {
  const std::string cases = WriteTempFile("issue9-cases.csv", kCases);
  const auto r = RunFleetsim({"validate", "--cases", cases, "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("cases,run-a,tokens_per_s_per_device"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cases,run-b,step_time_s"), std::string::npos) << r.out;
  // Any error exceeds a 0% limit: exit 1, with the reason.
  const auto strict = RunFleetsim({"validate", "--cases", cases, "--max-worst", "0%"});
  EXPECT_EQ(strict.code, 1);
  EXPECT_NE(strict.out.find("limit exceeded: cases: worst |error|"), std::string::npos) << strict.out;
  EXPECT_EQ(RunFleetsim({"validate", "--cases", cases, "--max-worst", "1000%"}).code, 0);
}

TEST(Issue9ValidateCli, ABadRowInUsersCasesIsAFileLineErrorAndExitTwo) {
  std::string text = kCases;
  text += "run-c,my cluster,h100,sixty-four,llama3-8b,8192,128,1,1,1,64,none,bf16,step_time_s,3,\n";
  const std::string path = WriteTempFile("issue9-bad.csv", text);
  const auto r = RunFleetsim({"validate", "--cases", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(
      r.err.find(path + ":4: error: column 'count': 'sixty-four' is not allowed; a positive integer is allowed"),
      std::string::npos)
      << r.err;
  // A row whose scenario does not parse (tp x pp x dp is not the count) names its line too.
  std::string odd = kCases;
  odd += "run-d,my cluster,h100,64,llama3-8b,8192,128,1,1,1,16,none,bf16,step_time_s,3,\n";
  const std::string odd_path = WriteTempFile("issue9-odd.csv", odd);
  const auto o = RunFleetsim({"validate", "--cases", odd_path});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(odd_path + ":4: error: case 'run-d': "), std::string::npos) << o.err;
  // An unknown column is an error at the header.
  const std::string col = WriteTempFile("issue9-col.csv", "case,accelerator,count,metric,value,speed\n");
  const auto c = RunFleetsim({"validate", "--cases", col});
  EXPECT_EQ(c.code, 2);
  EXPECT_NE(c.err.find(col + ":1: error: unknown column 'speed'"), std::string::npos) << c.err;
}

TEST(Issue9ValidateCli, CatalogOverlayChangesOnlyWhatItNames) {
  const double base = StepTime({});
  const std::string slow = WriteTempFile("issue9-slow.yaml", "calibration:\n  h100: {matmul: 0.27}\n");
  const double slower = StepTime({"--catalog-overlay", slow});
  EXPECT_GT(slower, base * 1.3);  // the GEMMs, most of the step, run at half the rate
  // An accelerator entry overrides the keys it gives and keeps the others (here: HBM capacity only).
  const std::string small =
      WriteTempFile("issue9-small.yaml", "accelerators:\n  - id: h100\n    memory: {capacity: 40GB}\n");
  const auto r = RunFleetsim(
      {"estimate", WriteTempFile("issue9-probe.yaml", kScenario), "--format", "json", "--catalog-overlay", small});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["memory"]["capacity_bytes"].get<double>(), 40e9);
  EXPECT_DOUBLE_EQ(j["step_time_s"].get<double>(), base);
}

TEST(Issue9ValidateCli, AnOverlayGivingEfficienciesMakesAnAcceleratorCalibrated) {
  // H800 borrows H100's calibration in the built-in catalog; an overlay with efficiencies of its own (what
  // `calibrate` writes for a user's H800 runs) makes it calibrated, and no output says it borrows H100's.
  std::string h800 = kScenario;
  h800.replace(h800.find("h100"), 4, "h800");
  const std::string scenario = WriteTempFile("issue9-h800.yaml", h800);
  const auto before = RunFleetsim({"estimate", scenario, "--format", "json"});
  ASSERT_EQ(before.code, 0) << before.err;
  EXPECT_FALSE(nlohmann::json::parse(before.out)["calibrated"].get<bool>());
  EXPECT_EQ(nlohmann::json::parse(before.out)["calibration_relative"], "h100");

  const std::string own = WriteTempFile("issue9-h800-own.yaml", "calibration:\n  h800: {matmul: 0.7}\n");
  const auto json = RunFleetsim({"estimate", scenario, "--format", "json", "--catalog-overlay", own});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_TRUE(j["calibrated"].get<bool>());
  EXPECT_TRUE(j["calibration_relative"].is_null());
  const auto text = RunFleetsim({"estimate", scenario, "--catalog-overlay", own});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_EQ(text.out.find("uncalibrated"), std::string::npos) << text.out;
  EXPECT_NE(RunFleetsim({"estimate", scenario}).out.find("uncalibrated: h800"), std::string::npos);

  // An overlay that names a relative again, or gives only a reason, leaves it borrowing.
  const std::string reason =
      WriteTempFile("issue9-h800-reason.yaml", "calibration:\n  h800: {reason: \"mine\"}\n");
  const auto r = RunFleetsim({"estimate", scenario, "--format", "json", "--catalog-overlay", reason});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out)["calibrated"].get<bool>());
}

// Issue 9 item 10: `search` says when the accelerator borrows a relative's calibration, in the words and JSON keys
// of `estimate` (and as two CSV columns), also when no plan fits; a calibrated accelerator says nothing.
TEST(Issue9ValidateCli, SearchSaysWhenTheAcceleratorIsUncalibrated) {
  std::string h800 = kScenario;
  h800.replace(h800.find("h100"), 4, "h800");
  const std::string borrowed = WriteTempFile("issue9-search-h800.yaml", h800);
  const std::string own = WriteTempFile("issue9-search-h100.yaml", kScenario);
  const std::string words =
      "uncalibrated: h800 has no published run of its own; it takes h100's kernel efficiencies";

  const auto text = RunFleetsim({"search", borrowed, "--top", "2"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find(words), std::string::npos) << text.out;
  EXPECT_NE(RunFleetsim({"estimate", borrowed}).out.find(words), std::string::npos);
  EXPECT_EQ(RunFleetsim({"search", own, "--top", "2"}).out.find("uncalibrated"), std::string::npos);

  const auto json = RunFleetsim({"search", borrowed, "--top", "2", "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_FALSE(j["calibrated"].get<bool>());
  EXPECT_EQ(j["calibration_relative"], "h100");
  ASSERT_FALSE(j["plans"].empty());
  EXPECT_FALSE(j["plans"][0]["calibrated"].get<bool>());
  const auto k = nlohmann::json::parse(RunFleetsim({"search", own, "--top", "2", "--format", "json"}).out);
  EXPECT_TRUE(k["calibrated"].get<bool>());
  EXPECT_TRUE(k["calibration_relative"].is_null());

  const auto csv = RunFleetsim({"search", borrowed, "--top", "2", "--format", "csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  std::istringstream lines(csv.out);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_TRUE(header.ends_with(",calibrated,calibration_relative")) << header;
  EXPECT_TRUE(row.ends_with(",false,h100")) << row;
  std::istringstream own_lines(RunFleetsim({"search", own, "--top", "2", "--format", "csv"}).out);
  std::getline(own_lines, header);
  std::getline(own_lines, row);
  EXPECT_TRUE(row.ends_with(",true,")) << row;

  // No plan fits in 1 GB: the plans list is empty and the JSON still says whose parameters it takes.
  const std::string tiny =
      WriteTempFile("issue9-search-tiny.yaml", "accelerators:\n  - id: h800\n    memory: {capacity: 1GB}\n");
  const auto none = RunFleetsim({"search", borrowed, "--format", "json", "--catalog-overlay", tiny});
  ASSERT_EQ(none.code, 0) << none.err;
  const auto n = nlohmann::json::parse(none.out);
  EXPECT_TRUE(n["plans"].empty());
  EXPECT_EQ(n["calibration_relative"], "h100");
}

// Issue 9 item 5: `validate training --cross-validate` adds the leave-one-source-out figures to every format.
TEST(Issue9ValidateCli, CrossValidateAddsLeaveOneSourceOut) {
  const auto text = RunFleetsim({"validate", "training", "--cross-validate"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("== leave-one-source-out"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("without Chowdhery et al. 2022 (PaLM):"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("out-of-sample"), std::string::npos);
  const auto json = RunFleetsim({"validate", "training", "--cross-validate", "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_GT(j["cross_validation"]["summary"]["out_of_sample"]["median_abs_error"].get<double>(), 0.0);
  const auto csv = RunFleetsim({"validate", "training", "--cross-validate", "--format", "csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_TRUE(csv.out.starts_with("case,group,role,published,in_sample,out_of_sample")) << csv.out;
  const auto wrong = RunFleetsim({"validate", "collectives", "--cross-validate"});
  EXPECT_EQ(wrong.code, 2);
  EXPECT_NE(wrong.err.find("--cross-validate"), std::string::npos) << wrong.err;
}

TEST(Issue9ValidateCli, ABadOverlayIsAFileLineErrorAndExitTwo) {
  const std::string bad = WriteTempFile("issue9-bad-overlay.yaml", "calibration:\n  h100:\n    matmull: 0.7\n");
  for (const char* command : {"estimate", "search", "cost", "reliability"}) {
    const auto r = RunFleetsim({command, WriteTempFile("issue9-probe.yaml", kScenario), "--catalog-overlay", bad});
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_NE(r.err.find(bad + ":3: error:"), std::string::npos) << command << ": " << r.err;
  }
  const auto v = RunFleetsim({"validate", "economics", "--catalog-overlay", bad});
  EXPECT_EQ(v.code, 2);
  const auto missing = RunFleetsim({"demo", "--catalog-overlay", "/nonexistent/overlay.yaml"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/overlay.yaml"), std::string::npos) << missing.err;
}

TEST(Issue9ValidateCli, CalibrateWritesAnOverlayThatValidateAccepts) {
  const std::string cases = WriteTempFile("issue9-cal.csv", kCases);
  const std::string overlay =
      (std::filesystem::temp_directory_path() / "fleetsim-tests" / "issue9-fitted.yaml").string();
  std::filesystem::remove(overlay);
  const auto r = RunFleetsim({"calibrate", "--cases", cases, "--fit", "matmul", "--out", overlay});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("leave-one-out"), std::string::npos) << r.out;
  ASSERT_TRUE(std::filesystem::exists(overlay));
  std::stringstream text;
  text << std::ifstream(overlay).rdbuf();
  EXPECT_NE(text.str().find("calibration:\n  h100:\n    matmul: "), std::string::npos) << text.str();

  const auto before = RunFleetsim({"validate", "--cases", cases, "--format", "json"});
  const auto after = RunFleetsim({"validate", "--cases", cases, "--format", "json", "--catalog-overlay", overlay});
  ASSERT_EQ(after.code, 0) << after.err;
  const auto b = nlohmann::json::parse(before.out)["families"][0]["summary"]["all"];
  const auto a = nlohmann::json::parse(after.out)["families"][0]["summary"]["all"];
  // The fit minimises the squared log errors: with two cases that pull apart, the worst one improves (the
  // median may not).
  EXPECT_LT(a["worst_abs_error"].get<double>(), b["worst_abs_error"].get<double>());
}

TEST(Issue9ValidateCli, CalibrateAndValidateAreDeterministic) {
  const std::string cases = WriteTempFile("issue9-det.csv", kCases);
  const auto a = RunFleetsim({"calibrate", "--cases", cases, "--format", "json"});
  const auto b = RunFleetsim({"calibrate", "--cases", cases, "--format", "json"});
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(RunFleetsim({"validate", "reliability"}).out, RunFleetsim({"validate", "reliability"}).out);
}

TEST(Issue9ValidateCli, CalibrateRefusesBadOptions) {
  const std::string cases = WriteTempFile("issue9-opt.csv", kCases);
  const auto fit = RunFleetsim({"calibrate", "--cases", cases, "--fit", "speed"});
  EXPECT_EQ(fit.code, 2);
  EXPECT_NE(fit.err.find("--fit: 'speed' is not a fittable parameter"), std::string::npos) << fit.err;
  const auto acc = RunFleetsim({"calibrate", "--cases", cases, "--accelerator", "h10"});
  EXPECT_EQ(acc.code, 2);
  EXPECT_NE(acc.err.find("did you mean"), std::string::npos) << acc.err;
  EXPECT_EQ(RunFleetsim({"calibrate"}).code, 2);  // --cases is required
}

}  // namespace
}  // namespace fleetsim
