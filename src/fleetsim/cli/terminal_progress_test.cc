#include "fleetsim/cli/terminal_progress.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace fleetsim {
namespace {

TEST(TerminalProgress, LineShowsShareRateAndEta) {
  EXPECT_EQ(TerminalProgress::Line("serve", "requests", 250000, 1000000, 5.0),
            "serve: 25% of 1000000 requests, 50k/s, ETA 15 s");
  EXPECT_EQ(TerminalProgress::Line("reliability", "trials", 10, 1000, 60.0),
            "reliability: 1% of 1000 trials, 0.167/s, ETA 99 min");
  EXPECT_EQ(TerminalProgress::Line("x", "y", 0, 10, 0.0), "x: 0% of 10 y");
}

TEST(TerminalProgress, NoCallbackWhenStderrIsNotATerminal) {
  // Tests run with stderr captured or redirected: the work gets no callback and prints nothing.
  if (isatty(2)) GTEST_SKIP() << "stderr is a terminal";
  TerminalProgress p("x", "y");
  EXPECT_FALSE(p.Callback());
}

}  // namespace
}  // namespace fleetsim
