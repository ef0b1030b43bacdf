// Credentials and connecting: against a server that really checks passwords, no password from
// any URL form may appear in retort's output, and a connection attempt never hangs forever.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli_runner.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

constexpr const char* kRole = "shopkeeper";
constexpr const char* kPassword = "s3cret-Pa55";

class Credentials : public ::testing::Test {
 protected:
  void SetUp() override {
    PostgresServer& server = PostgresServer::shared();
    server.requirePassword(kRole, kPassword);
    database =
        server.createDatabase(::testing::UnitTest::GetInstance()->current_test_info()->name());
    database = database.substr(database.rfind('/') + 1);
    engine::Connection(server.uri(database))
        .exec(std::string("GRANT ALL ON SCHEMA public TO ") + kRole);
    scripts = copySweetShop();
  }

  std::string urlWith(const std::string& userInfo, const std::string& query = "") const {
    return "postgresql://" + userInfo + "@" + PostgresServer::shared().hostAndPort() + "/" +
           database + query;
  }
  CliResult retort(const std::string& args, const std::string& url) {
    return runRetort("-d " + scripts.string() + " " + args, url);
  }
  static void expectAbsent(const CliResult& result, const std::string& secret) {
    EXPECT_EQ((result.out + result.err).find(secret), std::string::npos)
        << "leaked '" << secret << "' in:\n"
        << result.out << result.err;
  }

  std::string database;
  std::filesystem::path scripts;
};

TEST_F(Credentials, TheServerChecksThePassword) {
  CliResult right = retort("upgrade head", urlWith(std::string(kRole) + ":" + kPassword));
  EXPECT_EQ(right.exitCode, 0) << right.err;
  CliResult wrong = retort("upgrade head", urlWith(std::string(kRole) + ":wrong-s3cret"));
  EXPECT_NE(wrong.exitCode, 0);
  EXPECT_NE(wrong.err.find("password authentication failed"), std::string::npos) << wrong.err;
  expectAbsent(wrong, "wrong-s3cret");
  CliResult verbose = retort("current -v", urlWith(std::string(kRole) + ":" + kPassword));
  EXPECT_EQ(verbose.exitCode, 0) << verbose.err;
  expectAbsent(verbose, kPassword);
}

TEST_F(Credentials, BadPercentEncodingNeverEchoesThePassword) {
  CliResult result = retort("current -v", urlWith(std::string(kRole) + ":s3cr%zzet-word"));
  EXPECT_NE(result.exitCode, 0);
  expectAbsent(result, "s3cr%zzet-word");
  expectAbsent(result, "s3cr");
  CliResult truncated = retort("current -v", urlWith(std::string(kRole) + ":hunter2-%4"));
  EXPECT_NE(truncated.exitCode, 0);
  expectAbsent(truncated, "hunter2");
}

TEST_F(Credentials, NoUrlFormShowsThePassword) {
  const std::string hostPort = PostgresServer::shared().hostAndPort();
  const std::string host = hostPort.substr(0, hostPort.find(':'));
  const std::string port = hostPort.substr(hostPort.find(':') + 1);
  const std::vector<std::string> urls = {
      urlWith(kRole, "?password=wr0ng-query-pw"),
      urlWith(std::string(kRole) + ":wr0ng%2Fpercent", "?sslmode=bogus"),
      "host=" + host + " port=" + port + " user=" + kRole + " dbname=" + database +
          " password='wr0ng keyvalue'",
      "host=" + host + " port=" + port + " user=" + kRole + " dbname=" + database +
          " password=wr0ng-kv sslmode=bogus",
      "postgresql://" + std::string(kRole) + ":wr0ng@at@" + hostPort + "/" + database,
  };
  for (const std::string& url : urls) {
    // runRetort puts the URL in single quotes for the shell; the quotes inside are escaped.
    std::string shellSafe;
    for (char c : url) shellSafe += c == '\'' ? std::string("'\\''") : std::string(1, c);
    CliResult result = retort("current -v", shellSafe);
    EXPECT_NE(result.exitCode, 0);
    expectAbsent(result, "wr0ng");
    expectAbsent(result, "keyvalue");
  }
}

// A listener that completes TCP handshakes (the kernel does) but never speaks PostgreSQL.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("could not listen on loopback");
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Runs retort with a hard bound, so a hang shows as a failure instead of a stuck suite.
CliResult runBounded(const std::string& url, int seconds) {
  std::string output;
  int status =
      runCommand("DATABASE_URL='" + url + "' timeout -s KILL " + std::to_string(seconds) + " " +
                     RETORT_BINARY + " -d " + RETORT_SOURCE_DIR + "/migrations current 2>&1",
                 &output);
  return {status, output, output};
}

TEST(ConnectTimeout, DefaultBoundsAServerThatNeverAnswers) {
  SilentListener silent;
  CliResult result =
      runBounded("postgresql://retort@127.0.0.1:" + std::to_string(silent.port()) + "/db", 60);
  EXPECT_EQ(result.exitCode, 1) << "137 means it hung until killed; output: " << result.out;
  EXPECT_NE(result.out.find("timeout expired"), std::string::npos) << result.out;
}

TEST(ConnectTimeout, ExplicitTimeoutInTheUrlIsHonoured) {
  SilentListener silent;
  CliResult result = runBounded(
      "postgresql://retort@127.0.0.1:" + std::to_string(silent.port()) + "/db?connect_timeout=2",
      60);
  EXPECT_EQ(result.exitCode, 1) << result.out;
  EXPECT_NE(result.out.find("timeout expired"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace retort::test
