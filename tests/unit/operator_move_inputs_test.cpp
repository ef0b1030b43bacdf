// The check a move makes before its Job (move_inputs.hpp) on a fake Api: a missing Secret or
// key refuses the move; a URL the drift checker kept from a young read stands for the Secret (no
// GET), except after a failed run, and not once it is older than kSecretReuse.
#include <cpprest/asyncrt_utils.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kube_fake_api.hpp"
#include "operator/schema_version/move_inputs.hpp"
#include "operator/schema_version/secret_urls.hpp"

namespace retort::op {
namespace {

using kube::testing::FakeApi;
using nlohmann::json;

json secret(const std::string& url) {
  const std::vector<unsigned char> bytes(url.begin(), url.end());
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", "shop-db"}}},
          {"data", {{"uri", utility::conversions::to_base64(bytes)}}}};
}

SchemaVersion schemaVersion(const std::string& lastOutcome = "") {
  json object = {{"apiVersion", "retort.dev/v1alpha1"},
                 {"kind", "SchemaVersion"},
                 {"metadata", {{"name", "shop"}, {"namespace", "shop"}, {"generation", 2}}},
                 {"spec",
                  {{"targetRevision", "head"},
                   {"database", {{"secretRef", {{"name", "shop-db"}, {"key", "uri"}}}}},
                   {"migrations", {{"image", "localhost/retort-sweetshop:0.2.0"}}},
                   {"backup", {{"mode", "Disabled"}}}}}};
  if (!lastOutcome.empty())
    object["status"]["lastRun"] = {{"jobName", "shop-migrate-1"}, {"outcome", lastOutcome}};
  return schemaVersionFromJson(object);
}

class MoveInputsTest : public ::testing::Test {
 protected:
  void SetUp() override { fake->put(kube::resources::secrets(), "shop", secret(kUrl)); }
  std::size_t gets() const { return fake->count("get"); }
  // What the drift checker does first: a read that keeps the URL.
  void keepUrl() {
    ASSERT_TRUE(secrets.read("shop", schemaVersion().spec.database, "spec.database")
                    .secret.problem.empty());
  }

  const std::string kUrl = "postgresql://app:s3cr3t@db.shop/shop";
  std::shared_ptr<FakeApi> fake = std::make_shared<FakeApi>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  SecretUrls secrets{fake, clock};
};

TEST_F(MoveInputsTest, AMissingSecretOrKeyRefusesTheMove) {
  fake->erase(kube::resources::secrets(), "shop", "shop-db");
  auto refusal = checkMoveInputs(*fake, secrets, schemaVersion());
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, "DatabaseSecretMissing");
  EXPECT_EQ(refusal->message, "Secret shop/shop-db not found (spec.database.secretRef.name)");

  json noKey = secret(kUrl);
  noKey["data"] = {{"url", noKey["data"]["uri"]}};
  fake->put(kube::resources::secrets(), "shop", noKey);
  refusal = checkMoveInputs(*fake, secrets, schemaVersion());
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->message,
            "Secret shop/shop-db has no key \"uri\" (spec.database.secretRef.key)");
  EXPECT_EQ(secrets.size(), 0u);  // nothing kept from a read that found nothing
}

TEST_F(MoveInputsTest, AYoungKeptUrlStandsForTheSecret) {
  keepUrl();
  const std::size_t before = gets();
  EXPECT_FALSE(checkMoveInputs(*fake, secrets, schemaVersion()));
  EXPECT_FALSE(checkMoveInputs(*fake, secrets, schemaVersion("Succeeded")));
  EXPECT_EQ(gets(), before);  // the move started without a GET of the Secret
}

TEST_F(MoveInputsTest, AfterAFailedRunTheSecretIsReadAfresh) {
  keepUrl();
  fake->erase(kube::resources::secrets(), "shop", "shop-db");
  for (const char* outcome : {"Failed", "Transient"}) {
    const std::size_t before = gets();
    const auto refusal = checkMoveInputs(*fake, secrets, schemaVersion(outcome));
    ASSERT_TRUE(refusal) << outcome;
    EXPECT_EQ(refusal->reason, "DatabaseSecretMissing");
    EXPECT_EQ(gets(), before + 1);
  }
  EXPECT_EQ(secrets.size(), 0u);  // the read that found it missing dropped the kept URL
}

TEST_F(MoveInputsTest, AKeptUrlOlderThanTheReuseIsReadAgain) {
  keepUrl();
  fake->erase(kube::resources::secrets(), "shop", "shop-db");
  clock->advance(kSecretReuse);
  const auto refusal = checkMoveInputs(*fake, secrets, schemaVersion());
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, "DatabaseSecretMissing");
}

}  // namespace
}  // namespace retort::op
