#include "fleetsim/core/yaml_map.h"

#include <gtest/gtest.h>

#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(YamlMap, UnknownKeyGetsLineAndSuggestion) {
  const std::string msg = ErrorOf([] {
    YamlMap m = YamlMap::Parse("count: 8\ncuont: 9\n", "s.yaml");
    m.Integer("count");
    m.Finish();
  });
  EXPECT_EQ(msg.rfind("s.yaml:2: error: unknown key 'cuont' (did you mean 'count'?)", 0), 0u) << msg;
}

TEST(YamlMap, SyntaxErrorHasLine) {
  const std::string msg = ErrorOf([] { YamlMap::Parse("a: 1\nb: [1, 2\n", "bad.yaml"); });
  EXPECT_NE(msg.find("bad.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("YAML syntax"), std::string::npos) << msg;
}

TEST(YamlMap, RangeIsChecked) {
  const std::string msg = ErrorOf([] {
    YamlMap m = YamlMap::Parse("x:\n  size: -4\n", "r.yaml");
    m.Map("x").Integer("size", Range::Positive());
  });
  EXPECT_EQ(msg, "r.yaml:2: error: x.size: -4 is out of range: must be greater than 0");
}

TEST(YamlMap, QuantityWithWrongUnitNamesTheKey) {
  const std::string msg = ErrorOf([] {
    YamlMap m = YamlMap::Parse("bw: 80GB\n", "q.yaml");
    m.Quantity("bw", Dimension::kBandwidth);
  });
  EXPECT_NE(msg.find("q.yaml:1: error: bw: '80GB' is not a bandwidth"), std::string::npos) << msg;
}

TEST(YamlMap, BareNumberIsBaseUnits) {
  YamlMap m = YamlMap::Parse("t: 0.5\n", "q.yaml");
  EXPECT_DOUBLE_EQ(m.Quantity("t", Dimension::kTime), 0.5);
}

TEST(YamlMap, ChoiceListsAllowedValues) {
  const std::string msg = ErrorOf([] {
    YamlMap m = YamlMap::Parse("recompute: ful\n", "c.yaml");
    m.Choice("recompute", {"none", "selective", "full"});
  });
  EXPECT_NE(msg.find("did you mean 'full'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("allowed: none, selective, full"), std::string::npos) << msg;
}

}  // namespace
}  // namespace fleetsim
