// The `fleetsim` Python module (pybind11): every command as a function taking a scenario (a dict, or the path of a
// YAML file) and keyword options, returning the command's JSON output as plain dicts and lists (the keys of
// DESIGN §4). Bad input raises fleetsim.InputError (a ValueError) with the `file:line: error: ...` message.
// Each call runs the command line in-process, so Python and the CLI give the same answers. docs/python.md.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include "fleetsim/cli/run_cli.h"
#include "fleetsim/core/error.h"
#include "fleetsim/scenario/scenario.h"

namespace py = pybind11;

namespace {

PyObject* g_input_error = nullptr;

// A scenario given as a dict is written, as JSON (which YAML reads), to a file of its own for the call; messages
// name it "<dict>".
class ScenarioFile {
 public:
  explicit ScenarioFile(const py::object& scenario) {
    if (py::isinstance<py::str>(scenario) || py::hasattr(scenario, "__fspath__")) {
      path_ = py::str(py::module_::import("os").attr("fspath")(scenario));
      return;
    }
    if (!py::isinstance<py::dict>(scenario))
      throw py::type_error("a scenario is a dict or the path of a YAML file");
    static std::atomic<int> counter{0};
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fleetsim-python";
    std::filesystem::create_directories(dir);
    path_ = (dir / ("scenario-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".yaml")).string();
    temporary_ = true;
    const std::string text = py::str(py::module_::import("json").attr("dumps")(scenario));
    std::ofstream(path_) << text;
  }
  ~ScenarioFile() {
    if (temporary_) std::filesystem::remove(path_);
  }
  ScenarioFile(const ScenarioFile&) = delete;
  ScenarioFile& operator=(const ScenarioFile&) = delete;

  const std::string& path() const { return path_; }
  std::string Clean(std::string message) const {
    if (!temporary_) return message;
    for (size_t at; (at = message.find(path_)) != std::string::npos;) message.replace(at, path_.size(), "<dict>");
    return message;
  }

 private:
  std::string path_;
  bool temporary_ = false;
};

// `args` followed by the keyword options as flags: top=5 -> --top 5, catalog_overlay="f" -> --catalog-overlay f, a
// True flag alone, set={"training.zero": 1} -> --set training.zero=1 ..., a list -> the flag once per item.
std::vector<std::string> WithFlags(std::vector<std::string> args, const py::kwargs& options) {
  for (const auto& [k, v] : options) {
    std::string flag = "--" + py::str(k).cast<std::string>();
    for (char& c : flag) c = c == '_' ? '-' : c;
    if (flag == "--set") {
      for (const auto& [sk, sv] : v.cast<py::dict>()) {
        args.insert(args.end(),
                    {"--set", py::str(sk).cast<std::string>() + "=" + py::str(sv).cast<std::string>()});
      }
    } else if (py::isinstance<py::bool_>(v)) {
      if (v.cast<bool>()) args.push_back(flag);
    } else if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
      for (const py::handle item : v) args.insert(args.end(), {flag, py::str(item).cast<std::string>()});
    } else {
      args.insert(args.end(), {flag, py::str(v).cast<std::string>()});
    }
  }
  return args;
}

// A YAML value as Python: mappings as dicts, sequences as lists, scalars as int, float, bool or str (as YAML 1.2's
// core schema reads them; quantities such as "400Gbps" stay strings).
py::object ToPython(const YAML::Node& node) {
  if (node.IsMap()) {
    py::dict d;
    for (const auto& kv : node) d[py::str(kv.first.Scalar())] = ToPython(kv.second);
    return d;
  }
  if (node.IsSequence()) {
    py::list l;
    for (const YAML::Node& item : node) l.append(ToPython(item));
    return l;
  }
  if (!node.IsScalar()) return py::none();
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {  // unquoted: a number or a boolean if it reads as one
    if (text == "true" || text == "false") return py::bool_(text == "true");
    int64_t i = 0;
    if (YAML::convert<int64_t>::decode(node, i) && text.find_first_of(".eE") == std::string::npos)
      return py::int_(i);
    double v = 0;
    if (YAML::convert<double>::decode(node, v)) return py::float_(v);
  }
  return py::str(text);
}

// Runs `fleetsim <args> --format json` and returns its output as Python objects.
py::object Run(std::vector<std::string> args, const ScenarioFile* file = nullptr) {
  args.insert(args.end(), {"--format", "json"});
  std::ostringstream out, err;
  int code = 0;
  {
    py::gil_scoped_release release;  // long runs (sweeps, serve) let other Python threads go on
    code = fleetsim::RunCli(args, out, err);
  }
  if (code != 0) {
    std::string message = file ? file->Clean(err.str()) : err.str();
    while (!message.empty() && message.back() == '\n') message.pop_back();
    if (code == 2) {
      PyErr_SetString(g_input_error, message.c_str());
      throw py::error_already_set();
    }
    throw std::runtime_error(message);
  }
  return py::module_::import("json").attr("loads")(out.str());
}

py::object ScenarioCommand(const std::string& command, const py::object& scenario, const py::kwargs& options) {
  const ScenarioFile file(scenario);
  return Run(WithFlags({command, file.path()}, options), &file);
}

}  // namespace

PYBIND11_MODULE(fleetsim, m) {
  m.doc() = "fleetsim: simulator and planner of AI compute infrastructure (docs/python.md)";
  g_input_error = PyErr_NewException("fleetsim.InputError", PyExc_ValueError, nullptr);
  m.attr("InputError") = py::handle(g_input_error);

  m.def(
      "load_scenario",
      [](const py::object& scenario) {
        // Read and checked as every command reads it (unknown keys, ranges, catalog ids), then returned as a dict
        // to edit and pass back.
        const ScenarioFile file(scenario);
        try {
          (void)fleetsim::Scenario::Load(file.path());
        } catch (const fleetsim::InputError& e) {
          PyErr_SetString(g_input_error, file.Clean(e.what()).c_str());
          throw py::error_already_set();
        }
        if (py::isinstance<py::dict>(scenario)) return py::object(scenario);
        const YAML::Node root = YAML::LoadFile(file.path());
        return ToPython(root);
      },
      py::arg("scenario"), "Reads and checks a scenario (dict or YAML path); returns it as a dict.");
  for (const char* command : {"estimate", "search", "simulate", "serve", "reliability", "cost"}) {
    m.def(
        command,
        [c = std::string(command)](const py::object& scenario, const py::kwargs& options) {
          return ScenarioCommand(c, scenario, options);
        },
        py::arg("scenario"),
        (std::string("`fleetsim ") + command + "` on a scenario (dict or YAML path); options as keyword arguments")
            .c_str());
  }
  m.def(
      "compare",
      [](const py::list& scenarios, const py::kwargs& options) {
        std::vector<std::unique_ptr<ScenarioFile>> files;
        std::vector<std::string> args = {"compare"};
        for (const py::handle s : scenarios) {
          files.push_back(std::make_unique<ScenarioFile>(py::reinterpret_borrow<py::object>(s)));
          args.push_back(files.back()->path());
        }
        return Run(WithFlags(args, options));
      },
      py::arg("scenarios"), "`fleetsim compare` on a list of scenarios");
  m.def(
      "collective", [](const py::kwargs& options) { return Run(WithFlags({"collective"}, options)); },
      "`fleetsim collective` with its options as keyword arguments (node=, count=, op=, algo=, size=)");
  m.def(
      "sweep",
      [](const std::string& path, const py::kwargs& options) {
        return Run(WithFlags({"sweep", path}, options));
      },
      py::arg("path"), "`fleetsim sweep` on a sweep file; returns the summary and every stored row");
}
