#include "engine/backup/backup.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include "engine/backup/child_process.hpp"
#include "engine/runtime/connection.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/sha256.hpp"

namespace retort::engine::backup {
namespace {

namespace fs = std::filesystem;

// libpq's keywords without the password (for the child's --dbname), and the password apart
// (for its environment).
struct ChildConnection {
  std::string conninfo;
  std::string password;
};

std::string quoteConninfoValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

ChildConnection splitPassword(const std::string& url) {
  ChildConnection out;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    // The message of PQconninfoParse never echoes the value; still, do not include the URL.
    std::string message = error ? error : "invalid connection string";
    if (error) PQfreemem(error);
    throw BackupError("cannot read the database URL: " + message);
  }
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    if (std::string(o->keyword) == "password") {
      out.password = o->val;
      continue;
    }
    out.conninfo += std::string(out.conninfo.empty() ? "" : " ") + o->keyword + "=" +
                    quoteConninfoValue(o->val);
  }
  PQconninfoFree(options);
  return out;
}

ChildOptions childOptions(const ChildConnection& connection) {
  ChildOptions options;
  if (!connection.password.empty()) options.environment["PGPASSWORD"] = connection.password;
  return options;
}

// A tool's stderr for a message: no password in any spelling a tool might echo (the one masking
// function the connection uses; the parsed password too), and no trailing newline.
std::string scrub(std::string text, const std::string& url, const ChildConnection& connection) {
  std::vector<std::string> secrets = passwordsIn(url);
  secrets.push_back(connection.password);
  text = maskSecrets(std::move(text), secrets);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string utcStamp(bool compact) {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  int ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, compact ? "%Y%m%dT%H%M%S" : "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, ms);
  return out;
}

std::string safeName(const std::string& text) {
  std::string out;
  for (char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ? c : '_';
  return out;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void fsyncPath(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw BackupError("cannot fsync " + path.string());
  }
  ::close(fd);
}

void writeDurably(const fs::path& path, const std::string& text) {
  fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".partial");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw BackupError("cannot write " + tmp.string());
  }
  fsyncPath(tmp, false);
  fs::rename(tmp, path);
}

std::string humanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char out[32];
  std::snprintf(out, sizeof out, "%.1f %s", bytes, units[unit]);
  return out;
}

std::vector<fs::path> prune(const fs::path& directory, const std::string& database, int keep) {
  std::vector<std::pair<std::string, fs::path>> mine;  // (time, file)
  for (const auto& entry : fs::directory_iterator(directory)) {
    const fs::path& p = entry.path();
    if (p.extension() != ".dump" || p.filename().string().front() == '.') continue;
    try {
      Sidecar s = readSidecar(p);
      if (s.database == database) mine.emplace_back(s.time, p);
    } catch (const BackupError&) {
      // Not one of ours (or its sidecar is gone): leave it alone.
    }
  }
  std::sort(mine.begin(), mine.end());
  std::vector<fs::path> removed;
  while (keep > 0 && mine.size() > static_cast<size_t>(keep)) {
    fs::path old = mine.front().second;
    mine.erase(mine.begin());
    std::error_code ignored;
    fs::remove(old, ignored);
    fs::remove(fs::path(old.string() + ".json"), ignored);
    removed.push_back(old);
  }
  return removed;
}

BackupResult takeBackupOrThrow(const BackupRequest& request);

}  // namespace

ServerFacts readServerFacts(Connection& connection) {
  Result r = connection.exec(
      "SELECT current_database(), current_setting('server_version'), "
      "current_setting('server_version_num')::int / 10000, "
      "pg_database_size(current_database())");
  ServerFacts facts;
  facts.database = r.value(0, 0);
  facts.serverVersion = r.value(0, 1);
  facts.serverMajor = std::stoi(r.value(0, 2));
  facts.databaseBytes = std::stoll(r.value(0, 3));
  return facts;
}

int pgDumpMajorVersion() {
  ChildOptions options;
  options.captureStdout = true;
  ChildResult r = runChild({"pg_dump", "--version"}, options);
  if (r.exitCode != 0) return 0;
  std::smatch m;
  if (std::regex_search(r.stdoutText, m, std::regex(R"(\)\s+(\d+))"))) return std::stoi(m[1]);
  return 0;
}

std::string fileSha256(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw BackupError("cannot read " + file.string());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx, buffer.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  return toHex(digest, length);
}

Sidecar readSidecar(const fs::path& backupFile) {
  fs::path path = backupFile.string() + ".json";
  std::ifstream in(path);
  if (!in) throw BackupError("no sidecar " + path.string() + " beside the backup");
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    Sidecar s;
    s.database = j.at("database").get<std::string>();
    s.heads = j.at("heads").get<std::vector<std::string>>();
    s.time = j.at("time").get<std::string>();
    s.bytes = j.at("bytes").get<long long>();
    s.sha256 = j.at("sha256").get<std::string>();
    s.retortVersion = j.value("retortVersion", "");
    s.serverVersion = j.value("serverVersion", "");
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw BackupError("malformed sidecar " + path.string() + ": " + e.what());
  }
}

namespace {
BackupResult takeBackupOrThrow(const BackupRequest& request) {
  auto start = std::chrono::steady_clock::now();
  int dumpMajor = pgDumpMajorVersion();
  if (dumpMajor == 0) throw BackupError("cannot run pg_dump (is it on PATH?)");
  if (dumpMajor < request.server.serverMajor) {
    throw BackupError(
        "pg_dump on PATH is version " + std::to_string(dumpMajor) + ", older than the server (" +
            request.server.serverVersion + ")",
        "put pg_dump " + std::to_string(request.server.serverMajor) + " or newer first on PATH");
  }
  std::error_code ec;
  fs::create_directories(request.directory, ec);
  if (ec) throw BackupError("cannot create " + request.directory.string() + ": " + ec.message());
  struct statvfs fsInfo {};
  if (::statvfs(request.directory.c_str(), &fsInfo) == 0) {
    long long freeBytes = static_cast<long long>(fsInfo.f_bavail) * fsInfo.f_frsize;
    if (freeBytes < request.server.databaseBytes) {
      throw BackupError("not enough free space in " + request.directory.string() + ": " +
                        humanBytes(static_cast<double>(freeBytes)) + " free, the database is " +
                        humanBytes(static_cast<double>(request.server.databaseBytes)));
    }
  }

  std::string heads;
  for (const std::string& h : request.heads) heads += (heads.empty() ? "" : "+") + h;
  std::string name = safeName(request.server.database) + "-" +
                     safeName(heads.empty() ? "base" : heads) + "-" + utcStamp(true) + ".dump";
  fs::path file = request.directory / name;
  fs::path tmp = request.directory / ("." + name + ".partial");
  ChildConnection connection = splitPassword(request.databaseUrl);
  ChildOptions options = childOptions(connection);
  auto lastBytes = std::make_shared<std::uintmax_t>(0);
  auto lastTime = std::make_shared<std::chrono::steady_clock::time_point>(start);
  options.onTick = [&, lastBytes, lastTime] {
    if (!request.progress) return;
    std::error_code sizeError;
    std::uintmax_t bytes = fs::file_size(tmp, sizeError);
    if (sizeError) bytes = 0;
    double dt = secondsSince(*lastTime);
    double rate = dt > 0 ? static_cast<double>(bytes - std::min(bytes, *lastBytes)) / dt : 0;
    *lastBytes = bytes;
    *lastTime = std::chrono::steady_clock::now();
    request.progress("backup in progress: " + humanBytes(static_cast<double>(bytes)) +
                     " written, " + humanBytes(rate) + "/s");
  };
  ChildResult dump = runChild(
      {"pg_dump", "--format=custom", "--file", tmp.string(), "--dbname", connection.conninfo},
      options);
  if (dump.exitCode != 0) {
    fs::remove(tmp, ec);
    throw BackupError("pg_dump failed (exit " + std::to_string(dump.exitCode) +
                      "): " + scrub(dump.stderrText, request.databaseUrl, connection));
  }
  fsyncPath(tmp, false);
  fs::rename(tmp, file);
  fsyncPath(request.directory, true);

  BackupResult result;
  result.file = file;
  result.seconds = secondsSince(start);
  auto verifyStart = std::chrono::steady_clock::now();
  ChildOptions listOptions;
  listOptions.captureStdout = true;
  ChildResult list = runChild({"pg_restore", "--list", file.string()}, listOptions);
  if (list.exitCode != 0) {
    throw BackupError("the backup " + file.string() + " does not verify with pg_restore --list: " +
                      scrub(list.stderrText, request.databaseUrl, connection));
  }
  result.bytes = static_cast<long long>(fs::file_size(file));
  result.sha256 = fileSha256(file);
  result.verifySeconds = secondsSince(verifyStart);

  nlohmann::json sidecar = {{"database", request.server.database},
                            {"heads", request.heads},
                            {"time", utcStamp(false)},
                            {"file", file.filename().string()},
                            {"format", "custom"},
                            {"bytes", result.bytes},
                            {"sha256", result.sha256},
                            {"retortVersion", RETORT_VERSION},
                            {"serverVersion", request.server.serverVersion}};
  result.sidecar = file.string() + ".json";
  writeDurably(result.sidecar, sidecar.dump(2) + "\n");
  fsyncPath(request.directory, true);
  result.pruned = prune(request.directory, request.server.database, request.keep);
  return result;
}

}  // namespace

BackupResult takeBackup(const BackupRequest& request) {
  try {
    return takeBackupOrThrow(request);
  } catch (const fs::filesystem_error& e) {
    throw BackupError(std::string("backup failed: ") + e.what());
  }
}

Sidecar restoreBackup(const RestoreRequest& request) {
  Sidecar sidecar = readSidecar(request.file);
  std::string actual = fileSha256(request.file);
  if (actual != sidecar.sha256) {
    throw BackupError("the backup " + request.file.string() + " is corrupted: its sha256 is " +
                      actual + ", the sidecar records " + sidecar.sha256);
  }
  ChildConnection connection = splitPassword(request.databaseUrl);
  std::vector<std::string> argv = {"pg_restore", "--exit-on-error"};
  if (request.jobs > 1) {
    argv.push_back("--jobs=" + std::to_string(request.jobs));
  } else {
    argv.push_back("--single-transaction");
  }
  if (request.clean) {
    argv.push_back("--clean");
    argv.push_back("--if-exists");
  }
  argv.insert(argv.end(), {"--dbname", connection.conninfo, request.file.string()});
  ChildOptions options = childOptions(connection);
  auto start = std::chrono::steady_clock::now();
  // Opened on the first tick, so a quick restore never pays for it.
  auto probe = std::make_shared<std::unique_ptr<Connection>>();
  options.onTick = [&, probe] {
    if (!request.progress) return;
    std::string size;
    try {
      if (!*probe) *probe = std::make_unique<Connection>(request.databaseUrl);
      size = ", the database is " +
             humanBytes(std::stod(
                 (*probe)->exec("SELECT pg_database_size(current_database())").value(0, 0)));
    } catch (const std::exception&) {
      probe->reset();  // progress only: the restore itself says whether it worked
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.0f s", secondsSince(start));
    request.progress(std::string("restore in progress: ") + seconds + size);
  };
  ChildResult r = runChild(argv, options);
  if (r.exitCode != 0) {
    throw BackupError("pg_restore failed (exit " + std::to_string(r.exitCode) +
                      "): " + scrub(r.stderrText, request.databaseUrl, connection));
  }
  return sidecar;
}

}  // namespace retort::engine::backup
