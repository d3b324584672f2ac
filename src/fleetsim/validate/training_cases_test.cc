// Reading training cases (validation/training.csv's columns, `fleetsim validate --cases`): every bad cell is an
// InputError at its CSV line saying what is allowed, and a case becomes the scenario `fleetsim estimate` would
// run.
#include "fleetsim/validate/training_cases.h"

#include <gtest/gtest.h>

#include "fleetsim/core/error.h"
#include "fleetsim/validate/csv_table.h"

namespace fleetsim {
namespace {

const char* kHeader = "case,accelerator,count,model,seq_len,global_batch,tp,pp,dp,precision,metric,value\n";

// The InputError that reading `text` as runs.csv raises, as "file:line: error: message".
std::string ReadError(const std::string& text) {
  try {
    ReadTrainingCases(text, "runs.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CsvTable, QuotedCellsKeepTheirCommasAndLinesAreCounted) {
  const CsvTable t = CsvTable::Parse("a,b\n\n1,\"x, y\"\n\"say \"\"hi\"\"\",2\r\n", "f.csv");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].line, 3);
  EXPECT_EQ(t.rows[0].cells[1], "x, y");
  EXPECT_EQ(t.rows[1].line, 4);
  EXPECT_EQ(t.rows[1].cells[0], "say \"hi\"");
  EXPECT_EQ(t.rows[1].cells[1], "2");
}

TEST(CsvTable, ARowWithMoreCellsThanTheHeaderIsAnError) {
  try {
    CsvTable::Parse("a,b\n1,2,3\n", "f.csv");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(e.message().find("3 cells, but the header has 2 columns"), std::string::npos) << e.what();
  }
}

TEST(TrainingCases, AGoodFileReadsEveryRowWithItsLine) {
  const auto cases =
      ReadTrainingCases(std::string(kHeader) +
                            "a,h100,64,llama3-8b,8192,128,1,1,64,bf16,tokens_per_s_per_device,9000\n"
                            "b,h100,64,llama3-8b,8192,128,2,1,32,bf16,step_time_s,7.5\n",
                        "runs.csv");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[1].id(), "b");
  EXPECT_EQ(cases[1].line, 3);
  EXPECT_DOUBLE_EQ(cases[1].value, 7.5);
  EXPECT_EQ(cases[1]["notes"], "");  // a column the file does not have reads blank
}

TEST(TrainingCases, UnknownColumnIsAnErrorAtLineOneWithASuggestion) {
  const std::string e = ReadError("case,accelerator,count,metric,value,globl_batch\n");
  EXPECT_NE(e.find("runs.csv:1: error: unknown column 'globl_batch' (did you mean 'global_batch'?)"),
            std::string::npos)
      << e;
}

TEST(TrainingCases, MissingRequiredColumnIsAnError) {
  const std::string e = ReadError("case,accelerator,count,value\n");
  EXPECT_NE(e.find("runs.csv:1: error: missing column 'metric'"), std::string::npos) << e;
}

TEST(TrainingCases, BlankRequiredCellIsAnErrorAtItsLine) {
  const std::string e =
      ReadError(std::string(kHeader) + "a,h100,64,llama3-8b,8192,128,1,1,64,bf16,tokens_per_s_per_device,9000\n" +
                "b,h100,,llama3-8b,8192,128,1,1,64,bf16,tokens_per_s_per_device,9000\n");
  EXPECT_NE(e.find("runs.csv:3: error: column 'count' is blank"), std::string::npos) << e;
}

TEST(TrainingCases, NonNumericCellSaysWhatIsAllowed) {
  const std::string e =
      ReadError(std::string(kHeader) + "a,h100,64,llama3-8b,8k,128,1,1,64,bf16,tokens_per_s_per_device,9000\n");
  EXPECT_NE(e.find("runs.csv:2: error: column 'seq_len': '8k' is not allowed; a positive integer is allowed"),
            std::string::npos)
      << e;
  const std::string v =
      ReadError(std::string(kHeader) + "a,h100,64,llama3-8b,8192,128,1,1,64,bf16,tokens_per_s_per_device,fast\n");
  EXPECT_NE(v.find("runs.csv:2: error: column 'value': 'fast' is not allowed; a number > 0 is allowed"),
            std::string::npos)
      << v;
}

TEST(TrainingCases, UnknownAcceleratorModelAndMetricAreErrorsWithSuggestions) {
  const std::string a =
      ReadError(std::string(kHeader) + "a,h10,64,llama3-8b,8192,128,1,1,64,bf16,tokens_per_s_per_device,9000\n");
  EXPECT_NE(a.find("runs.csv:2: error: column 'accelerator': 'h10' is not an accelerator id (did you mean"),
            std::string::npos)
      << a;
  const std::string m =
      ReadError(std::string(kHeader) + "a,h100,64,llama3-8bb,8192,128,1,1,64,bf16,tokens_per_s_per_device,9000\n");
  EXPECT_NE(
      m.find("runs.csv:2: error: column 'model': 'llama3-8bb' is not a model id (did you mean 'llama3-8b'?)"),
      std::string::npos)
      << m;
  const std::string t =
      ReadError(std::string(kHeader) + "a,h100,64,llama3-8b,8192,128,1,1,64,bf16,tokens_per_second,9000\n");
  EXPECT_NE(t.find("runs.csv:2: error: column 'metric': 'tokens_per_second' is not allowed"), std::string::npos)
      << t;
}

TEST(TrainingCases, RepeatedCaseIdIsAnError) {
  const std::string e =
      ReadError(std::string(kHeader) + "a,h100,64,llama3-8b,8192,128,1,1,64,bf16,tokens_per_s_per_device,9000\n" +
                "a,h100,64,llama3-8b,8192,128,1,1,64,bf16,tokens_per_s_per_device,9000\n");
  EXPECT_NE(e.find("runs.csv:3: error: case 'a' repeated (first at line 2)"), std::string::npos) << e;
}

TEST(TrainingCases, AScenarioThatFailsToParseIsAnErrorAtTheCaseLine) {
  // tp x pp x dp = 1 x 1 x 32 is not the 64 accelerators of the job.
  const auto cases = ReadTrainingCases(
      std::string(kHeader) + "odd,h100,64,llama3-8b,8192,128,1,1,32,bf16,tokens_per_s_per_device,9000\n",
      "runs.csv");
  try {
    CaseScenario(cases.at(0));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "runs.csv");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.message().rfind("case 'odd': ", 0), 0u) << e.what();
  }
  const auto bad_precision = ReadTrainingCases(
      std::string(kHeader) + "p,h100,64,llama3-8b,8192,128,1,1,64,bf17,tokens_per_s_per_device,9000\n",
      "runs.csv");
  EXPECT_THROW(CaseScenario(bad_precision.at(0)), InputError);
}

TEST(TrainingCases, ScenarioYamlCarriesModelPresetStackAndPlan) {
  const auto cases = ReadTrainingCases(
      "case,accelerator,count,model,layers,seq_len,global_batch,tp,pp,dp,stack,metric,value\n"
      "s,h100,64,llama3-8b,16,8192,128,2,1,32,my-stack,step_time_s,1\n",
      "runs.csv");
  const std::string y = CaseScenarioYaml(cases.at(0));
  EXPECT_NE(y.find("model:\n  preset: llama3-8b\n  layers: 16\n"), std::string::npos) << y;
  EXPECT_NE(y.find("  stack: my-stack\n"), std::string::npos) << y;
  EXPECT_NE(y.find("  parallelism:\n    tp: 2\n    pp: 1\n    dp: 32\n"), std::string::npos) << y;
  // A blank stack cell leaves the key out, so the accelerator's default stack applies.
  const auto blank = ReadTrainingCases(
      "case,accelerator,count,model,seq_len,global_batch,stack,metric,value\n"
      "s,h100,64,llama3-8b,8192,128,,step_time_s,1\n",
      "runs.csv");
  EXPECT_EQ(CaseScenarioYaml(blank.at(0)).find("stack"), std::string::npos);
}

TEST(TrainingCases, TheEmbeddedPublishedRunsAllRead) {
  const auto cases = BuiltInTrainingCases();
  EXPECT_GE(cases.size(), 37u);
  for (const TrainingCase& c : cases) EXPECT_NO_THROW(CaseScenario(c)) << c.id();
}

}  // namespace
}  // namespace fleetsim
