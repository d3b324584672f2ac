// Leave-one-source-out cross-validation of the built-in calibration (`fleetsim validate training
// --cross-validate`, docs/calibration.md). The published rows are grouped by source (one paper, one MLPerf round:
// SourceGroup). For each group holding calibration rows, the parameters those rows fix (matmul for a 16-bit row,
// fp8_matmul, int8_matmul or fp4_matmul for a quantised one, of the calibrated accelerator whose parameters the
// row's chip uses) are refitted with Calibrate on the calibration rows of the other sources that exercise them;
// where no other source has one, the other sources' check rows on that accelerator stand in; where there is no
// other row at all, the parameter falls back to fleetsim's uncalibrated default. The group's rows are then
// predicted with the refitted parameters: each is an out-of-sample error. Groups without calibration rows are
// check rows already, predicted with parameters their source never touched.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/validate/training_cases.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

// One refit of a fold: `accelerator`'s `field` without the left-out group.
struct SourceRefit {
  std::string accelerator;
  std::string field;
  double catalog = 0;                 // the value all sources fixed
  double refitted = 0;                // the value without the group
  std::vector<std::string> fit_rows;  // the rows it was refitted on; empty: the uncalibrated default
  bool check_rows_stand_in = false;   // no other source has a calibration row for it
};

struct SourceFold {
  std::string group;
  std::vector<SourceRefit> refits;  // empty: the group holds no calibration row
};

struct CrossValidationRow {
  std::string id;
  std::string group;
  Role role = Role::kCheck;
  double published = 0;
  double in_sample = 0;      // predicted with the catalog's parameters (as `validate training`)
  double out_of_sample = 0;  // predicted without the row's own source
  bool refitted = false;     // its group held calibration rows that fix parameters its chip uses
  bool defaulted = false;    // some parameter it uses fell back to the uncalibrated default
  double InSampleError() const { return in_sample / published - 1; }
  double OutOfSampleError() const { return out_of_sample / published - 1; }
};

struct CrossValidation {
  std::vector<SourceFold> folds;  // in order of first appearance
  std::vector<CrossValidationRow> rows;
  ErrorSummary in_sample;                    // every row, catalog parameters
  ErrorSummary out_of_sample;                // every row, without its own source
  ErrorSummary refitted;                     // rows of groups with calibration rows, without their source
  ErrorSummary refitted_from_other_sources;  // of those, rows whose parameters another source could fix
};

// The group of a `source` cell: "MLPerf Training v4.1" for any row of that round, else the text before the first
// " Table" or " section" ("Korthikanti et al. MLSys'23 Tables 3 and 5" -> "Korthikanti et al. MLSys'23").
std::string SourceGroup(const std::string& source);

// Leave-one-source-out over the published cases (calibration rows: kCalibrationRows).
CrossValidation CrossValidateBySource(const std::vector<TrainingCase>& cases,
                                      const Catalog& catalog = Catalog::BuiltIn());

std::string CrossValidationText(const CrossValidation& cv);
nlohmann::json CrossValidationJson(const CrossValidation& cv);
std::string CrossValidationCsv(const CrossValidation& cv);

}  // namespace fleetsim
