// The informer's threads on a fake Api: the first list becomes adds; a watch that ends with 410
// Expired makes it relist and deliver the difference; a dropped watch is retried after a
// backoff without a relist; stop() is prompt while a watch is open.
#include <gtest/gtest.h>

#include <mutex>

#include "kube/api_error.hpp"
#include "kube/informer.hpp"
#include "kube_eventually.hpp"
#include "kube_fake_api.hpp"

namespace retort::kube {
namespace {

using nlohmann::json;
using testing::eventually;
using testing::FakeApi;

json config_map(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}}},
          {"data", {{"v", value}}}};
}

// What the handlers saw, in order: "add a 1", "update a 1->2", "delete b 1".
class Seen {
 public:
  EventHandlers handlers() {
    return {[this](const json& o) { push("add " + object_name(o) + " " + value(o)); },
            [this](const json& old_object, const json& o) {
              push("update " + object_name(o) + " " + value(old_object) + "->" + value(o));
            },
            [this](const json& o) { push("delete " + object_name(o) + " " + value(o)); }};
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t size() const { return events().size(); }

 private:
  static std::string value(const json& o) { return o["data"].value("v", ""); }
  void push(std::string event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
};

class InformerUnitTest : public ::testing::Test {
 protected:
  InformerUnitTest() {
    fake->put(resources::config_maps(), "app", config_map("keep", "1"));
    fake->put(resources::config_maps(), "app", config_map("gone", "1"));
    fake->put(resources::config_maps(), "app", config_map("same", "1"));
    InformerOptions options;
    options.resource = resources::config_maps();
    options.ns = "app";
    informer = std::make_unique<Informer>(fake, options);
    informer->add_handlers(seen.handlers());
  }

  std::shared_ptr<FakeApi> fake = std::make_shared<FakeApi>();
  Seen seen;
  std::unique_ptr<Informer> informer;
};

TEST_F(InformerUnitTest, AnExpiredWatchRelistsAndDeliversTheDifference) {
  informer->start();
  ASSERT_TRUE(informer->wait_for_sync(std::chrono::seconds(30)));
  ASSERT_EQ(seen.events(), (std::vector<std::string>{"add gone 1", "add keep 1", "add same 1"}));
  ASSERT_TRUE(eventually([&] { return fake->count("watch") == 1; }));

  // While the watch is open, the server's state moves on; then the watch ends with 410.
  fake->patch(resources::config_maps(), "app", "keep", PatchType::Merge, {{"data", {{"v", "2"}}}});
  fake->erase(resources::config_maps(), "app", "gone");
  fake->put(resources::config_maps(), "app", config_map("new", "1"));
  fake->break_watches(std::make_exception_ptr(
      ApiError(410, "Expired", "too old resource version", {}, "GET configmaps (watch)")));

  ASSERT_TRUE(eventually([&] { return seen.size() == 6 && fake->count("watch") == 2; }));
  EXPECT_EQ(informer->list_count(), 2u);
  const std::vector<std::string> events = seen.events();
  const std::vector<std::string> after_relist(events.begin() + 3, events.end());
  EXPECT_EQ(after_relist,
            (std::vector<std::string>{"update keep 1->2", "add new 1", "delete gone 1"}));
  std::vector<std::string> cached;
  for (const auto& object : informer->list()) cached.push_back(object_name(object));
  EXPECT_EQ(cached, (std::vector<std::string>{"keep", "new", "same"}));
  ASSERT_TRUE(informer->get("app/keep").has_value());
  EXPECT_EQ((*informer->get("app/keep"))["data"]["v"], "2");
  EXPECT_FALSE(informer->get("app/gone").has_value());
  informer->stop();
}

TEST_F(InformerUnitTest, ListsTheObjectsWhoseKeyStartsWithAPrefix) {
  fake->put(resources::config_maps(), "app", config_map("job-a-x1", "1"));
  fake->put(resources::config_maps(), "app", config_map("job-a-x2", "1"));
  fake->put(resources::config_maps(), "app", config_map("job-ab-x3", "1"));
  informer->start();
  ASSERT_TRUE(informer->wait_for_sync(std::chrono::seconds(30)));
  const auto names = [&](std::string_view prefix) {
    std::vector<std::string> found;
    for (const auto& object : informer->list(prefix)) found.push_back(object_name(object));
    return found;
  };
  EXPECT_EQ(names("app/job-a-"), (std::vector<std::string>{"job-a-x1", "job-a-x2"}));
  EXPECT_EQ(names("app/job-"), (std::vector<std::string>{"job-a-x1", "job-a-x2", "job-ab-x3"}));
  EXPECT_EQ(names("app/").size(), informer->list().size());
  EXPECT_TRUE(names("app/zzz").empty());
  EXPECT_TRUE(names("other/").empty());
  informer->stop();
}

TEST_F(InformerUnitTest, ADroppedWatchIsRetriedAfterABackoffWithoutARelist) {
  informer->start();
  ASSERT_TRUE(informer->wait_for_sync(std::chrono::seconds(30)));
  ASSERT_TRUE(eventually([&] { return fake->count("watch") == 1; }));
  fake->break_watches(std::make_exception_ptr(TransportError("connection reset")));
  // The informer's backoff starts at 800 ms (plus jitter); the re-watch comes after it.
  ASSERT_TRUE(eventually([&] { return fake->count("watch") == 2; }));
  EXPECT_EQ(informer->list_count(), 1u) << "a dropped watch resumes from its resourceVersion";
  EXPECT_EQ(fake->count("list"), 1u);
  EXPECT_EQ(seen.size(), 3u);
  informer->stop();
}

TEST_F(InformerUnitTest, AFailedFirstListIsRetriedUntilItSucceeds) {
  fake->fail_next(2, std::make_exception_ptr(ApiError(503, "ServiceUnavailable", "etcd is down", {},
                                                      "GET configmaps")));
  informer->start();
  ASSERT_TRUE(informer->wait_for_sync(std::chrono::seconds(30)));
  EXPECT_EQ(fake->count("list"), 3u);
  EXPECT_EQ(informer->list_count(), 1u);
  EXPECT_EQ(seen.size(), 3u);
  informer->stop();
}

TEST(StripForCache, DropsManagedFieldsAndTheLastAppliedAnnotationOnly) {
  json object = config_map("a", "1");
  object["metadata"]["resourceVersion"] = "7";
  object["metadata"]["managedFields"] = json::array({{{"manager", "kubectl"}}});
  object["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration", "{}"},
                                       {"team", "db"}};
  strip_for_cache(object);
  EXPECT_EQ(object["metadata"],
            (json{{"name", "a"}, {"resourceVersion", "7"}, {"annotations", {{"team", "db"}}}}));
  EXPECT_EQ(object["data"]["v"], "1");

  // An annotations map left empty goes too; objects without metadata are left alone.
  json only_applied = config_map("b", "1");
  only_applied["metadata"]["annotations"] = {
      {"kubectl.kubernetes.io/last-applied-configuration", "{}"}};
  strip_for_cache(only_applied);
  EXPECT_EQ(only_applied["metadata"], (json{{"name", "b"}}));
  json bare = {{"kind", "Status"}};
  strip_for_cache(bare);
  EXPECT_EQ(bare, (json{{"kind", "Status"}}));
}

TEST_F(InformerUnitTest, TheTransformTrimsListedObjectsBeforeTheyAreCachedAndDelivered) {
  InformerOptions options;
  options.resource = resources::config_maps();
  options.ns = "app";
  options.transform = [](json& object) { object["data"]["v"] = "trimmed"; };
  Informer trimming(fake, options);
  Seen trimmed;
  trimming.add_handlers(trimmed.handlers());
  trimming.start();
  ASSERT_TRUE(trimming.wait_for_sync(std::chrono::seconds(30)));
  EXPECT_EQ(trimmed.events(),
            (std::vector<std::string>{"add gone trimmed", "add keep trimmed", "add same trimmed"}));
  ASSERT_TRUE(trimming.get("app/keep").has_value());
  EXPECT_EQ((*trimming.get("app/keep"))["data"]["v"], "trimmed");
  EXPECT_EQ(trimming.keys(), (std::vector<std::string>{"app/gone", "app/keep", "app/same"}));
  trimming.stop();
}

TEST_F(InformerUnitTest, StopCancelsTheOpenWatch) {
  informer->start();
  ASSERT_TRUE(informer->wait_for_sync(std::chrono::seconds(30)));
  ASSERT_TRUE(eventually([&] { return fake->count("watch") == 1; }));
  informer->stop();  // returns only when the fake's watch saw the cancellation
  informer->stop();  // idempotent
  EXPECT_EQ(fake->count("watch"), 1u);
}

}  // namespace
}  // namespace retort::kube
