// Issue 14, second pass: inputs that an audit of the first pass still found getting through to a crash, a
// non-finite figure, a 300-digit number or a silent default. Each exits 2 with `file:line: error:` (or the flag
// named), or runs to a finite answer.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace fleetsim {
namespace {

using testing::CliRun;
using testing::RunFleetsim;
using testing::WriteTempFile;

const char* kTraining =
    "name: audit14\n"
    "cluster:\n"
    "  accelerator: h100\n"
    "  count: 64\n"
    "model: llama3-8b\n"
    "training:\n"
    "  seq_len: 4096\n"
    "  global_batch: 128\n"
    "  parallelism: {tp: 8, pp: 1}\n"
    "  tokens: 1e9\n";

// A serving scenario replaying `trace` (a file name beside it).
std::string ServeScenario(const std::string& trace) {
  return "name: audit14-serve\n"
         "cluster:\n"
         "  accelerator: h100\n"
         "  count: 8\n"
         "model: llama3-70b\n"
         "serving:\n"
         "  precision: fp8\n"
         "  replica: {tp: 2, pp: 1}\n"
         "workload:\n"
         "  trace: " +
         trace + "\n";
}

// A NaN or an infinity shown as a number, not inside a word ("maintenance", "infiniband").
bool ShowsNonFinite(const std::string& text) {
  static const std::regex kNonFinite("(^|[^A-Za-z])(nan|NaN|inf|Inf|infinity)([^a-z]|$)");
  return std::regex_search(text, kNonFinite);
}

std::string Temp(const std::string& name, const std::string& text) {
  return WriteTempFile("fleetsim_audit14_" + name, text);
}

void ExpectFileError(const CliRun& r, const std::string& path, int line, const std::string& expected) {
  EXPECT_EQ(r.code, 2) << r.err << r.out;
  const std::string prefix = path + ":" + std::to_string(line) + ": error: ";
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "stderr: " << r.err << "\nexpected prefix: " << prefix;
  EXPECT_NE(r.err.find(expected), std::string::npos) << "stderr: " << r.err << "\nexpected: " << expected;
}

// A trace whose second data row (line 3) has `timestamp`.
CliRun ServeTraceWithSecondRow(const std::string& name, const std::string& timestamp, std::string* csv_path) {
  *csv_path = Temp(name + ".csv",
                   "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                   "2023-11-16 18:15:46.6,100,10\n" +
                       timestamp + ",100,10\n");
  const std::string yaml =
      Temp(name + ".yaml", ServeScenario(std::filesystem::path(*csv_path).filename().string()));
  return RunFleetsim({"serve", yaml});
}

TEST(Issue14Audit, NanSecondsInATraceTimestampAreRefusedAtTheirLine) {
  std::string csv;
  ExpectFileError(ServeTraceWithSecondRow("nan", "2023-11-16 18:15:nan", &csv), csv, 3, "TIMESTAMP");
  ExpectFileError(ServeTraceWithSecondRow("nan2", "2023-11-16 18:15:NaN", &csv), csv, 3, "TIMESTAMP");
}

TEST(Issue14Audit, ATraceSpanningCenturiesIsRefused) {
  std::string csv;
  ExpectFileError(ServeTraceWithSecondRow("span", "2024-12-01 00:00:00", &csv), csv, 3, "at most 366 days");
  ExpectFileError(ServeTraceWithSecondRow("y2300", "2300-01-01 00:00:00", &csv), csv, 3, "from 1900 to 2200");
}

TEST(Issue14Audit, ImpossibleDatesAreRefusedAndDatesBefore1970Accepted) {
  std::string csv;
  ExpectFileError(ServeTraceWithSecondRow("feb31", "2023-02-31 00:00:00", &csv), csv, 3, "TIMESTAMP");
  const std::string old_csv = Temp("1969.csv",
                                   "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                   "1969-11-16 18:15:46.6,100,10\n"
                                   "1969-11-16 18:15:47.6,100,10\n");
  const CliRun r = RunFleetsim({"serve", Temp("1969.yaml", ServeScenario("fleetsim_audit14_1969.csv"))});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Issue14Audit, ARateTooLowForAYearIsRefused) {
  std::string yaml = ServeScenario("unused.csv");
  yaml = yaml.substr(0, yaml.find("  trace:")) +
         "  preset: mlperf-llama2-70b\n"
         "  arrival: poisson\n"
         "  rate: \"1e-9/s\"\n"
         "  requests: 4000\n";
  const std::string path = Temp("rate.yaml", yaml);
  ExpectFileError(RunFleetsim({"serve", path}), path, 12, "at most 366 days");
}

TEST(Issue14Audit, AReliabilityRunWithoutInterruptionPrintsNoInfinity) {
  const std::string path = Temp("r1h.yaml", std::string(kTraining) + "reliability: {duration: 1h, trials: 10}\n");
  for (const std::vector<std::string>& extra :
       std::vector<std::vector<std::string>>{{"--format", "csv"},
                                             {"--format", "table"},
                                             {"--format", "json"},
                                             {"--sweep", "fleet-size"},
                                             {"--sweep", "fleet-size", "--format", "csv"}}) {
    std::vector<std::string> args{"reliability", path};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliRun r = RunFleetsim(args);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_FALSE(ShowsNonFinite(r.out)) << r.out;
  }
}

TEST(Issue14Audit, AnOverlayEfficiencyOutOfRangeIsRefused) {
  const std::string scenario = Temp("base.yaml", kTraining);
  const std::string overlay = Temp("cal.yaml", "calibration:\n  h100: {matmul: 1e-300}\n");
  ExpectFileError(RunFleetsim({"estimate", scenario, "--catalog-overlay", overlay}), overlay, 2,
                  "between 0.01 and 1");
  const std::string peak = Temp("peak.yaml", "accelerators:\n  - id: h100\n    peak: {bf16: 1e-300 TFLOPS}\n");
  const CliRun r = RunFleetsim({"estimate", scenario, "--catalog-overlay", peak});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.err.rfind(peak + ":3: error:", 0), 0u) << r.err;
}

TEST(Issue14Audit, AnOverlayWithAMisspeltSectionIsRefused) {
  const std::string scenario = Temp("base.yaml", kTraining);
  const std::string overlay = Temp("typo.yaml", "calibraton:\n  h100: {matmul: 0.1}\n");
  ExpectFileError(RunFleetsim({"estimate", scenario, "--catalog-overlay", overlay}), overlay, 1,
                  "did you mean 'calibration'");
}

TEST(Issue14Audit, ASecondYamlDocumentIsRefused) {
  const std::string path = Temp("two_docs.yaml", std::string(kTraining) + "---\nname: other\n");
  ExpectFileError(RunFleetsim({"estimate", path}), path, 11, "second YAML document");
}

TEST(Issue14Audit, AMalformedFileThatHungTheDocumentCountIsAnError) {
  // Found by the scenario fuzzer: yaml-cpp's LoadAll loops forever on this text; a second document is found by
  // scanning for its marker instead.
  const std::string path =
      Temp("hang.yaml",
           "# LLlamuster:\n  accelerator: gb200\n  count: 144\n  node: gb200-nvl72\n"
           "  datacenters: 2\n,  wan: {bandwidth:node: hgx-h200\n  f: 129}\n  sequ tokens:e12\n");
  const CliRun r = RunFleetsim({"estimate", path});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.err.rfind(path + ":", 0), 0u) << r.err;
}

TEST(Issue14Audit, ADocumentMarkerBeforeAnyContentIsAllowed) {
  const std::string path = Temp("leading_marker.yaml", "# a scenario\n---\n" + std::string(kTraining) + "...\n");
  EXPECT_EQ(RunFleetsim({"estimate", path}).code, 0);
}

TEST(Issue14Audit, ATwentyDigitCountNamesTheFlagNotANegativeNumber) {
  const CliRun r =
      RunFleetsim({"collective", "--node", "hgx-h100", "--count", "99999999999999999999", "--size", "1GB"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--count"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("-1"), std::string::npos) << r.err;
}

TEST(Issue14Audit, ImplausibleMeasuredValuesAndEmptyCaseFilesAreRefused) {
  const std::string header =
      "case,accelerator,count,layers,hidden,heads,seq_len,global_batch,tp,pp,dp,precision,metric,value\n";
  const std::string big =
      Temp("big.csv", header + "x,h100,8,32,4096,32,2048,64,8,1,1,bf16,hw_tflops_per_device,1e308\n");
  ExpectFileError(RunFleetsim({"validate", "--cases", big}), big, 2, "not a plausible hw_tflops_per_device");
  const std::string tiny = Temp("tiny.csv", header + "x,h100,8,32,4096,32,2048,64,8,1,1,bf16,step_time_s,1e-9\n");
  ExpectFileError(RunFleetsim({"calibrate", "--cases", tiny}), tiny, 2, "not a plausible step_time_s");
  const std::string empty = Temp("header.csv", header);
  ExpectFileError(RunFleetsim({"validate", "--cases", empty}), empty, 1, "no case");
}

TEST(Issue14Audit, AFullOutputDeviceIsAnError) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const CliRun r = RunFleetsim({"estimate", Temp("base.yaml", kTraining), "--out", "/dev/full"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/dev/full: error: cannot write"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace fleetsim
