// Published figures as sources state them, and the per-family error summaries of `fleetsim validate`.
#include "fleetsim/validate/validation_report.h"

#include <gtest/gtest.h>

namespace fleetsim {
namespace {

TEST(PublishedFigure, ReadsPointsBoundsAndRanges) {
  EXPECT_EQ(PublishedFigure::Parse("419").value, std::optional<double>(419));
  const PublishedFigure above = PublishedFigure::Parse(">0.90");
  EXPECT_FALSE(above.value);
  EXPECT_EQ(above.lower, std::optional<double>(0.90));
  EXPECT_FALSE(above.upper);
  EXPECT_EQ(PublishedFigure::Parse("<0.10").upper, std::optional<double>(0.10));
  const PublishedFigure range = PublishedFigure::Parse("1.50-2.20");
  EXPECT_EQ(range.lower, std::optional<double>(1.50));
  EXPECT_EQ(range.upper, std::optional<double>(2.20));
  const PublishedFigure text = PublishedFigure::Parse("1MB-4GB");
  EXPECT_FALSE(text.value || text.lower || text.upper);
}

TEST(ValidationRow, ErrorIsSignedAndRelativeAndBoundsAreMetOrNot) {
  ValidationRow r;
  r.published = PublishedFigure::Parse("200");
  r.predicted = 180;
  EXPECT_DOUBLE_EQ(*r.Error(), -0.10);
  EXPECT_FALSE(r.WithinBounds());
  r.published = PublishedFigure::Parse("1.50-2.20");
  r.predicted = 2.3;
  EXPECT_FALSE(r.Error());
  EXPECT_EQ(r.WithinBounds(), std::optional<bool>(false));
}

TEST(FamilyReport, SummarizesCalibrationAndCheckRowsApart) {
  FamilyReport f;
  auto add = [&](double published, double predicted, Role role) {
    ValidationRow r;
    r.published = PublishedFigure::Point(published);
    r.predicted = predicted;
    r.role = role;
    f.rows.push_back(r);
  };
  add(100, 101, Role::kCalibration);  // +1%
  add(100, 97, Role::kCheck);         // -3%
  add(100, 110, Role::kCheck);        // +10%
  add(100, 95, Role::kCheck);         // -5%
  f.Summarize();
  EXPECT_EQ(f.all.rows, 4);
  EXPECT_NEAR(f.all.median_abs, 0.04, 1e-12);  // (3% + 5%) / 2
  EXPECT_NEAR(f.all.worst_abs, 0.10, 1e-12);
  EXPECT_NEAR(f.calibration.median_abs, 0.01, 1e-12);
  EXPECT_NEAR(f.check.median_abs, 0.05, 1e-12);
  EXPECT_NEAR(f.check.worst_abs, 0.10, 1e-12);
}

}  // namespace
}  // namespace fleetsim
