// The logger's line formats, and the password masking applied to libpq's messages.
#include <gtest/gtest.h>

#include "engine/runtime/connection.hpp"
#include "engine/util/log.hpp"

namespace retort::engine {
namespace {

const auto kTime = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764488096123));

TEST(LogFormat, TextIsAlembicsLayoutWithFiveCharacterLevels) {
  EXPECT_EQ(formatLogLine(LogFormat::Text, LogLevel::Info, "retort.runtime.migration",
                          "Running upgrade  -> a1, first", {}, kTime),
            "INFO  [retort.runtime.migration] Running upgrade  -> a1, first");
  EXPECT_EQ(formatLogLine(LogFormat::Text, LogLevel::Warning, "retort", "careful", {}, kTime),
            "WARNI [retort] careful");
}

TEST(LogFormat, LogfmtQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(formatLogLine(LogFormat::Logfmt, LogLevel::Error, "retort.kube", "watch \"x\" failed",
                          {{"resource", "leases"}, {"reason", ""}}, kTime),
            "time=2025-11-30T07:34:56.123Z level=error logger=retort.kube "
            "msg=\"watch \\\"x\\\" failed\" resource=leases reason=\"\"");
}

TEST(LogFormat, JsonEscapesControlCharacters) {
  EXPECT_EQ(
      formatLogLine(LogFormat::Json, LogLevel::Info, "op", "line\none\t\x01", {{"k", "v"}}, kTime),
      "{\"time\":\"2025-11-30T07:34:56.123Z\",\"level\":\"info\",\"logger\":\"op\","
      "\"msg\":\"line\\none\\t\\u0001\",\"k\":\"v\"}");
}

TEST(LogFormat, JsonStaysValidWhenAValueIsNotUtf8) {
  // A Latin-1 byte from a script or a server message: the line must still parse.
  const std::string line = formatLogLine(LogFormat::Json, LogLevel::Warning, "op", "caf\xe9",
                                         {{"file", "v\xff.sql"}}, kTime);
  EXPECT_EQ(line,
            "{\"time\":\"2025-11-30T07:34:56.123Z\",\"level\":\"warning\",\"logger\":\"op\","
            "\"msg\":\"caf\xef\xbf\xbd\",\"file\":\"v\xef\xbf\xbd.sql\"}");
}

TEST(LogFormat, ParsesTheThreeNames) {
  EXPECT_EQ(parseLogFormat("json"), LogFormat::Json);
  EXPECT_EQ(parseLogFormat("logfmt"), LogFormat::Logfmt);
  EXPECT_EQ(parseLogFormat("text"), LogFormat::Text);
  EXPECT_EQ(parseLogFormat("JSON"), std::nullopt);
}

TEST(PasswordMasking, EveryUrlFormAndEncoding) {
  EXPECT_EQ(maskSecrets("invalid percent-encoded token: \"s3cr%zzet\"",
                        passwordsIn("postgresql://ann:s3cr%zzet@db/x")),
            "invalid percent-encoded token: \"***\"");
  EXPECT_EQ(maskSecrets("p/w and p%2Fw", passwordsIn("postgres://ann:p%2Fw@db/x")), "*** and ***");
  EXPECT_EQ(maskSecrets("a@b", passwordsIn("postgresql://ann:a@b@db/x")), "***");
  EXPECT_EQ(maskSecrets("x q-pw y", passwordsIn("postgresql://db/x?sslmode=a&password=q-pw")),
            "x *** y");
  EXPECT_EQ(maskSecrets("it's 'it\\'s'", passwordsIn("host=db password='it\\'s' user=ann")),
            "*** '***'");
  EXPECT_EQ(maskSecrets("kv-pw!", passwordsIn("host=db password=kv-pw user=ann")), "***!");
  EXPECT_TRUE(passwordsIn("postgresql://ann@db/x").empty());
}

}  // namespace
}  // namespace retort::engine
