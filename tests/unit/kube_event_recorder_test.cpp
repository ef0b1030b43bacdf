// The event recorder's deduplication on a fake Api: a repeat patches the first Event's series
// instead of creating another object; a different note is another Event; an Event that expired
// on the server is created anew.
#include <gtest/gtest.h>

#include "kube/event_recorder.hpp"
#include "kube/object_key.hpp"
#include "kube/resource.hpp"
#include "kube_fake_api.hpp"

namespace retort::kube {
namespace {

using nlohmann::json;
using testing::FakeApi;

const json kRegarding = {{"apiVersion", "retort.dev/v1alpha1"},
                         {"kind", "SchemaVersion"},
                         {"metadata", {{"name", "shop"}, {"namespace", "app"}, {"uid", "u-1"}}}};

class EventRecorderUnitTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeApi> fake = std::make_shared<FakeApi>();
  EventRecorder recorder{fake, {"retort.dev/test", "pod-1", 4096}};
};

TEST_F(EventRecorderUnitTest, ARepeatCountsInTheFirstEventsSeries) {
  const json first = recorder.record(kRegarding, EventType::Warning, "Failed", "Migrate", "boom");
  EXPECT_EQ(first["regarding"]["name"], "shop");
  EXPECT_EQ(first["type"], "Warning");
  EXPECT_EQ(first["reportingController"], "retort.dev/test");
  const json second = recorder.record(kRegarding, EventType::Warning, "Failed", "Migrate", "boom");
  const json third = recorder.record(kRegarding, EventType::Warning, "Failed", "Migrate", "boom");
  EXPECT_EQ(fake->count("create"), 1u);
  EXPECT_EQ(fake->count("patch"), 2u);
  EXPECT_EQ(object_name(third), object_name(first));
  EXPECT_EQ(second["series"]["count"], 2);
  EXPECT_EQ(third["series"]["count"], 3);
}

TEST_F(EventRecorderUnitTest, ADifferentNoteIsAnotherEvent) {
  const json a = recorder.record(kRegarding, EventType::Normal, "Applied", "Migrate", "to 1");
  const json b = recorder.record(kRegarding, EventType::Normal, "Applied", "Migrate", "to 2");
  EXPECT_EQ(fake->count("create"), 2u);
  EXPECT_NE(object_name(a), object_name(b));
}

TEST_F(EventRecorderUnitTest, AnExpiredEventIsCreatedAgain) {
  const json first = recorder.record(kRegarding, EventType::Warning, "Failed", "Migrate", "boom");
  fake->erase(resources::events(), "app", object_name(first));  // the server's event TTL
  const json again = recorder.record(kRegarding, EventType::Warning, "Failed", "Migrate", "boom");
  EXPECT_EQ(fake->count("create"), 2u);
  EXPECT_FALSE(again.contains("series"));
  const json repeat = recorder.record(kRegarding, EventType::Warning, "Failed", "Migrate", "boom");
  EXPECT_EQ(object_name(repeat), object_name(again));
  EXPECT_EQ(repeat["series"]["count"], 2);
}

}  // namespace
}  // namespace retort::kube
