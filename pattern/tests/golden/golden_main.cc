// Golden tests for the text side of `onus pattern check` / `onus pattern match`: every case in
// cases.json runs the real `onus` binary (working directory: this folder, so input paths and
// their SHA-256 in the JSON output are stable) and its exit code, stdout and stderr must equal
// expected/<name>.txt byte for byte.
//
// Regenerate after an intended change, then review the diff:
//   ONUS_GOLDEN_UPDATE=1 build/pattern/pattern_golden_tests && git diff pattern/tests/golden
// (README "How to test"). Without ONUS_GOLDEN_UPDATE a difference fails the test.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(ONUS_SOURCE_DIR) / "pattern" / "tests" / "golden";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunOutput {
  int exit_code = -1;
  std::string out, err;
};

// fork + exec (no shell: arguments reach onus exactly as written in cases.json).
RunOutput RunOnus(const std::vector<std::string>& args) {
  RunOutput r;
  fs::path tmp = fs::temp_directory_path() / ("onus_golden_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  fs::path out_file = tmp / "stdout", err_file = tmp / "stderr";
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(kGoldenDir.c_str()) != 0) ::_exit(126);
    int o = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (o < 0 || e < 0) ::_exit(126);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> argv;
    std::string prog = ONUS_CLI_PATH;
    argv.push_back(prog.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(prog.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = Slurp(out_file);
  r.err = Slurp(err_file);
  fs::remove_all(tmp);
  return r;
}

// One printable line per argument list, shell-quoted, for the header of an expected file.
std::string CommandLine(const std::vector<std::string>& args) {
  std::string s = "$ onus";
  for (const auto& a : args) {
    bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=") ==
                                   std::string::npos;
    s += ' ';
    if (plain) {
      s += a;
      continue;
    }
    s += '\'';
    for (char c : a) {
      if (c == '\'') {
        s += "'\\''";
      } else if (c == '\n') {
        s += "'$'\\n''";
      } else {
        s += c;
      }
    }
    s += '\'';
  }
  if (s.size() > 400) s = s.substr(0, 400) + " …";
  return s;
}

std::string Render(const std::vector<std::string>& args, const RunOutput& r) {
  return CommandLine(args) + "\nexit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

struct Case {
  std::string name;
  std::vector<std::string> args;
};

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  auto j = nlohmann::json::parse(Slurp(kGoldenDir / "cases.json"));
  for (const auto& c : j) cases.push_back({c.at("name").get<std::string>(), c.at("args").get<std::vector<std::string>>()});
  return cases;
}

bool Updating() {
  const char* u = std::getenv("ONUS_GOLDEN_UPDATE");
  return u && *u && std::string(u) != "0";
}

TEST(PatternGolden, CliOutputsMatchExpectedFiles) {
  ASSERT_TRUE(fs::exists(ONUS_CLI_PATH)) << "build the onus binary first: " << ONUS_CLI_PATH;
  std::vector<Case> cases = LoadCases();
  ASSERT_GE(cases.size(), 30u);
  std::set<std::string> names;
  int checked = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(names.insert(c.name).second) << "duplicate case name";
    RunOutput r = RunOnus(c.args);
    ASSERT_GE(r.exit_code, 0) << "onus did not exit normally";
    std::string got = Render(c.args, r);
    fs::path file = kGoldenDir / "expected" / (c.name + ".txt");
    if (Updating()) {
      std::ofstream(file, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(file)) << file << " is missing (ONUS_GOLDEN_UPDATE=1 writes it)";
    EXPECT_EQ(Slurp(file), got) << "golden mismatch for " << c.name
                                << " (if intended: ONUS_GOLDEN_UPDATE=1 pattern_golden_tests, review git diff)";
    ++checked;
  }
  // No stale expected files.
  for (const auto& e : fs::directory_iterator(kGoldenDir / "expected"))
    EXPECT_TRUE(names.count(e.path().stem().string())) << "stale expected file " << e.path();
  if (!Updating()) {
    EXPECT_EQ(checked, static_cast<int>(cases.size()));
  }
}

// The renderer itself: a difference in any part must show.
TEST(PatternGolden, RenderDistinguishesExitCodeAndStreams) {
  RunOutput a{1, "x\n", ""}, b{2, "x\n", ""}, c{1, "", "x\n"};
  std::vector<std::string> args{"pattern", "check", "[a:b = 'it''s']"};
  EXPECT_NE(Render(args, a), Render(args, b));
  EXPECT_NE(Render(args, a), Render(args, c));
  EXPECT_EQ(CommandLine({"pattern", "check", "[a:b = 'x']"}), "$ onus pattern check '[a:b = '\\''x'\\'']'");
}

}  // namespace
