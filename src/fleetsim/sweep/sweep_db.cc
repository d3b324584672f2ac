#include "fleetsim/sweep/sweep_db.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "fleetsim/core/error.h"
#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

std::string Quote(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

constexpr const char* kVersion = "fleetsim " FLEETSIM_VERSION;

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw InputError("", 0, fmt::format("sqlite: {} ({})", sqlite3_errmsg(db), sql.substr(0, 80)));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

void Bind(sqlite3_stmt* s, int i, const nlohmann::json& v) {
  if (v.is_number()) {
    sqlite3_bind_double(s, i, v.get<double>());
  } else if (v.is_boolean()) {
    sqlite3_bind_int(s, i, v.get<bool>() ? 1 : 0);
  } else if (v.is_string()) {
    sqlite3_bind_text(s, i, v.get_ref<const std::string&>().c_str(), -1, SQLITE_TRANSIENT);
  } else if (v.is_null()) {
    sqlite3_bind_null(s, i);
  } else {
    sqlite3_bind_text(s, i, v.dump().c_str(), -1, SQLITE_TRANSIENT);
  }
}

nlohmann::json Column(sqlite3_stmt* s, int i) {
  switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(s, i);
    case SQLITE_FLOAT:
      return sqlite3_column_double(s, i);
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, i)));
    default:
      return nullptr;
  }
}

}  // namespace

SweepDb::SweepDb(const std::string& path, const SweepSpec& spec, const std::string& inputs, bool resume)
    : path_(path), spec_(spec) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (exists && !resume) {
    throw InputError(path, 0, "the database exists: --resume continues the sweep in it, or name another file");
  }
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError(path, 0, fmt::format("cannot open the sweep database: {}", why));
  }
  // A failure after the open (another sweep's database, a schema that cannot be made) must close it: the
  // destructor does not run for a constructor that throws.
  try {
    Initialize(spec, inputs);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void SweepDb::Initialize(const SweepSpec& spec, const std::string& inputs) {
  sqlite3_busy_timeout(db_, 10000);
  Exec("PRAGMA journal_mode=WAL");
  Exec("PRAGMA synchronous=NORMAL");
  std::string columns = "id INTEGER PRIMARY KEY";
  for (const SweepAxis& a : spec.axes) columns += ", " + Quote(a.key);
  columns += ", status TEXT NOT NULL, error TEXT";
  for (const std::string& k : spec.keep) columns += ", " + Quote(k);
  Exec("CREATE TABLE IF NOT EXISTS sweep_inputs (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  Exec("CREATE TABLE IF NOT EXISTS points (" + columns + ")");
  // The same sweep, or none yet.
  Statement find(db_, "SELECT value FROM sweep_inputs WHERE key = 'inputs'");
  if (sqlite3_step(find.get()) == SQLITE_ROW) {
    const std::string stored(reinterpret_cast<const char*>(sqlite3_column_text(find.get(), 0)));
    if (stored != inputs) {
      throw InputError(path_, 0,
                       "the database holds another sweep (its sweep file, base scenario or command differ); "
                       "name another file");
    }
  } else {
    Statement put(db_, "INSERT INTO sweep_inputs (key, value) VALUES (?, ?)");
    for (const auto& [k, v] :
         std::vector<std::pair<std::string, std::string>>{{"inputs", inputs},
                                                          {"command", spec.command},
                                                          {"version", kVersion},
                                                          {"points", std::to_string(spec.Points())}}) {
      sqlite3_reset(put.get());
      sqlite3_bind_text(put.get(), 1, k.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(put.get(), 2, v.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(put.get()) != SQLITE_DONE) Fail("writing the sweep's inputs");
    }
  }
}

SweepDb::~SweepDb() { sqlite3_close(db_); }

void SweepDb::Exec(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    throw InputError(path_, 0, fmt::format("sqlite: {}", why));
  }
}

void SweepDb::Fail(const std::string& what) const {
  throw InputError(path_, 0, fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db_)));
}

std::vector<bool> SweepDb::Stored(int64_t points) const {
  std::vector<bool> stored(static_cast<size_t>(points), false);
  Statement s(db_, "SELECT id FROM points");
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    const int64_t id = sqlite3_column_int64(s.get(), 0);
    if (id >= 0 && id < points) stored[static_cast<size_t>(id)] = true;
  }
  return stored;
}

void SweepDb::Insert(const std::vector<PointResult>& batch) {
  if (batch.empty()) return;
  std::string sql = "INSERT OR REPLACE INTO points VALUES (?";
  for (size_t i = 0; i < spec_.axes.size() + 2 + spec_.keep.size(); ++i) sql += ", ?";
  sql += ")";
  Exec("BEGIN");
  {
    Statement s(db_, sql);
    for (const PointResult& r : batch) {
      sqlite3_reset(s.get());
      sqlite3_clear_bindings(s.get());
      int i = 1;
      sqlite3_bind_int64(s.get(), i++, r.index);
      for (const Override& o : r.point) sqlite3_bind_text(s.get(), i++, o.value.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s.get(), i++, r.ok ? "ok" : "error", -1, SQLITE_STATIC);
      if (r.ok) {
        sqlite3_bind_null(s.get(), i++);
      } else {
        sqlite3_bind_text(s.get(), i++, r.error.c_str(), -1, SQLITE_TRANSIENT);
      }
      for (size_t k = 0; k < spec_.keep.size(); ++k) {
        Bind(s.get(), i++, k < r.figures.size() ? r.figures[k] : nlohmann::json());
      }
      if (sqlite3_step(s.get()) != SQLITE_DONE) Fail("writing results");
    }
  }
  Exec("COMMIT");
}

nlohmann::json SweepDb::Json() const {
  nlohmann::json rows = nlohmann::json::array();
  Statement s(db_, "SELECT * FROM points ORDER BY id");
  const int n = sqlite3_column_count(s.get());
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    nlohmann::json row = nlohmann::json::object();
    for (int i = 0; i < n; ++i) row[sqlite3_column_name(s.get(), i)] = Column(s.get(), i);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string SweepDb::Csv() const {
  Statement s(db_, "SELECT * FROM points ORDER BY id");
  const int n = sqlite3_column_count(s.get());
  std::vector<std::string> header;
  for (int i = 0; i < n; ++i) header.push_back(sqlite3_column_name(s.get(), i));
  Table t(header);
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    std::vector<std::string> cells;
    for (int i = 0; i < n; ++i) {
      const nlohmann::json v = Column(s.get(), i);
      cells.push_back(v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump());
    }
    t.AddRow(cells);
  }
  return t.RenderCsv();
}

}  // namespace fleetsim
