// `fleetsim sweep SWEEP.yaml [--db F.sqlite] [--resume] [--threads N]`: every point of a design-space sweep
// through one command, the kept figures in SQLite (docs/sweep.md). The axes are checked against the base scenario
// before any point runs; a point that fails is stored with its error.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <ostream>
#include <sstream>

#include "fleetsim/cli/command.h"
#include "fleetsim/cli/run_cli.h"
#include "fleetsim/cli/terminal_progress.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"
#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/report/step_report.h"
#include "fleetsim/report/table.h"
#include "fleetsim/sweep/sweep_mpi.h"
#include "fleetsim/sweep/sweep_run.h"

namespace fleetsim {
namespace {

struct SweepCliOptions {
  CommonOptions common;
  std::string path;
  std::string db;
  bool resume = false;
  int threads = 1;
};

// The command's JSON for one point. `estimate` runs in the library directly; the other commands through the
// command line in-process, exactly as a user's `fleetsim <command> base.yaml --set ... --format json` would.
PointEvaluator MakeEvaluator(const SweepSpec& spec, const std::string& base_text,
                             std::shared_ptr<const Catalog> catalog, const std::string& overlay) {
  if (spec.command == "estimate") {
    return [&spec, base_text, catalog](const std::vector<Override>& point) {
      const Scenario s = Scenario::Parse(base_text, spec.base_path, point, *catalog);
      return StepResultJson(s, EstimateScenario(s));
    };
  }
  return [&spec, overlay](const std::vector<Override>& point) {
    std::vector<std::string> args = {spec.command, spec.base_path, "--format", "json"};
    if (!overlay.empty()) args.insert(args.end(), {"--catalog-overlay", overlay});
    for (const Override& o : point) args.insert(args.end(), {"--set", o.key + "=" + o.value});
    std::ostringstream out, err;
    const int code = RunCli(args, out, err);
    if (code != 0) {
      std::string message = err.str();
      while (!message.empty() && message.back() == '\n') message.pop_back();
      throw InputError("", 0, message);
    }
    return nlohmann::json::parse(out.str());
  };
}

// Every value of every axis, alone on the base scenario: an unknown key or a value of the wrong kind (not a
// number, the wrong unit, out of range, an unknown id) fails here, at the axis's line, before any point runs.
void CheckAxes(const SweepSpec& spec, const std::string& base_text, const Catalog& catalog) {
  for (const SweepAxis& a : spec.axes) {
    std::vector<std::string> seen;
    for (const std::string& v : a.values) {
      if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
      seen.push_back(v);
      if (seen.size() > 1000) break;  // enough to catch a wrong kind; the rest are checked per point
      try {
        (void)Scenario::Parse(base_text, spec.base_path, {{a.key, v}}, catalog);
      } catch (const InputError& e) {
        // Only an error about this key or the form of its value: others depend on the combination of the
        // point's values (a plan that does not divide the fleet) and are recorded per point.
        if (!e.about_one_key()) continue;
        const std::string where = e.line() > 0 ? fmt::format("{}:{}: ", e.file(), e.line()) : "";
        throw InputError(spec.file, a.line,
                         fmt::format("axis '{}' = '{}' on the base scenario: {}{}", a.key, v, where, e.message()));
      }
    }
  }
}

// The kept figures must be keys of the command's output: checked on the first point that runs.
void CheckKeep(const SweepSpec& spec, const PointEvaluator& evaluate) {
  for (int64_t i = 0; i < std::min<int64_t>(spec.Points(), 16); ++i) {
    nlohmann::json out;
    try {
      out = evaluate(spec.Point(i));
    } catch (const InputError&) {
      continue;
    }
    const std::vector<nlohmann::json> figures = KeptFigures(out, spec.keep);
    for (size_t k = 0; k < spec.keep.size(); ++k) {
      if (!figures[k].is_null()) continue;
      std::vector<std::string> keys;
      for (auto it = out.begin(); it != out.end(); ++it) keys.push_back(it.key());
      throw InputError(spec.file, spec.keep_line,
                       fmt::format("keep: '{}' is not in {}'s output; its keys: {}", spec.keep[k], spec.command,
                                   fmt::join(keys, ", ")));
    }
    return;
  }
}

int RunSweepCli(const SweepCliOptions& o, std::ostream& out) {
  // Under mpirun: rank 0 checks, hands out points and writes; the other ranks evaluate (sweep/sweep_mpi.h).
  MpiWorld world;
  if (LaunchedUnderMpi()) world = StartMpi();
  struct Finalize {
    bool mpi;
    ~Finalize() {
      if (mpi) StopMpi();
    }
  } finalize{world.size > 1};
  const SweepSpec spec = LoadSweepSpec(o.path);
  const std::string base_text = ReadInputFile(spec.base_path, "base scenario file");
  const std::shared_ptr<const Catalog> catalog = o.common.LoadCatalog();
  if (world.rank > 0) {
    WorkForCoordinator(spec, MakeEvaluator(spec, base_text, catalog, o.common.catalog_overlay));
    return 0;
  }
  std::optional<SweepDb> opened;
  PointEvaluator evaluate;
  const std::string db_path = o.db.empty() ? std::filesystem::path(o.path).stem().string() + ".sqlite" : o.db;
  try {
    CheckAxes(spec, base_text, *catalog);
    evaluate = MakeEvaluator(spec, base_text, catalog, o.common.catalog_overlay);
    CheckKeep(spec, evaluate);
    const std::string inputs = ReadInputFile(o.path, "sweep file") + "\n---base---\n" + base_text;
    opened.emplace(db_path, spec, inputs, o.resume);
  } catch (...) {
    if (world.size > 1) ReleaseWorkers(world);
    throw;
  }
  SweepDb& db = *opened;
  const auto start = std::chrono::steady_clock::now();
  SweepStats stats;
  {
    TerminalProgress bar("sweep", "points");
    SweepOptions options;
    options.threads = o.threads;
    auto tty = bar.Callback();
    // On a terminal a bar; otherwise a plain line every 10 s, on stderr.
    auto last = std::chrono::steady_clock::now();
    options.progress = [tty, &last, start](int64_t done, int64_t total) {
      if (tty) return tty(done, total);
      const auto now = std::chrono::steady_clock::now();
      if (now - last < std::chrono::seconds(10)) return;
      last = now;
      const double s = std::chrono::duration<double>(now - start).count();
      std::cerr << fmt::format("sweep: {} of {} points, {:.0f}/s\n", done, total, done / std::max(s, 1e-9));
    };
    stats = world.size > 1 ? CoordinateSweep(spec, db, options, world) : RunSweep(spec, db, evaluate, options);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << fmt::format("sweep: {} points run in {:.2f} s ({:.0f} points/s on {})\n", stats.run, wall,
                           stats.run / std::max(wall, 1e-9),
                           world.size > 1 ? fmt::format("{} MPI worker ranks", world.size - 1)
                                          : fmt::format("{} thread(s)", o.threads));
  switch (o.common.Format()) {
    case OutputFormat::kCsv:
      out << db.Csv();
      return 0;
    case OutputFormat::kJson:
      out << nlohmann::json{{"database", db_path},    {"command", spec.command},
                            {"points", stats.points}, {"already_stored", stats.already_stored},
                            {"run", stats.run},       {"failed", stats.failed},
                            {"rows", db.Json()}}
                 .dump(2)
          << "\n";
      return 0;
    case OutputFormat::kTable:
      break;
  }
  Table t({"sweep", "command", "points", "already stored", "run", "failed", "database"});
  t.AddRow({o.path, spec.command, std::to_string(stats.points), std::to_string(stats.already_stored),
            std::to_string(stats.run), std::to_string(stats.failed), db_path});
  out << t.RenderText();
  if (stats.failed > 0) {
    out << fmt::format("{} point(s) failed; their errors are in the `error` column (status = 'error')\n",
                       stats.failed);
  }
  return 0;
}

}  // namespace

Command AddSweepCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand("sweep", "many scenarios through one command; results in SQLite");
  auto o = std::make_shared<SweepCliOptions>();
  cmd->add_option("sweep", o->path, "sweep YAML file (docs/sweep.md)")->required();
  cmd->add_option("--db", o->db, "SQLite database for the results (default: the sweep file's name, .sqlite)");
  cmd->add_flag("--resume", o->resume, "continue a sweep in its database, skipping the points stored");
  cmd->add_option("--threads", o->threads, "worker threads on this machine")
      ->check(CLI::Range(1, 256))
      ->default_str("1");
  AddCommonOptions(*cmd, o->common, /*with_set=*/false);
  AddCatalogOverlayOption(*cmd, o->common);
  return {cmd, [o](std::ostream& out) { return RunSweepCli(*o, out); }, &o->common};
}

}  // namespace fleetsim
