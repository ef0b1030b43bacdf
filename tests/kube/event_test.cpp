// events.k8s.io/v1 Events on the real API server: a first occurrence creates an Event, identical
// repeats grow its series instead of creating new objects, and a different note is a new Event.
#include <gtest/gtest.h>

#include "kube/api_client.hpp"
#include "kube/event_recorder.hpp"
#include "kube_test_support.hpp"

namespace retort::testing {
namespace {

TEST(EventTest, RepeatsAreDeduplicatedIntoASeries) {
  auto client = admin_client();
  install_widget_crd(*client);
  const std::string ns = make_namespace(*client, "events");
  const nlohmann::json regarding = client->create(widgets(), ns,
                                                  {{"apiVersion", "kube-test.retort.dev/v1"},
                                                   {"kind", "Widget"},
                                                   {"metadata", {{"name", "noisy"}}},
                                                   {"spec", {{"size", 1}}}});

  kube::EventRecorder recorder(client, {"retort.dev/test-controller", "test-instance"});
  const auto first =
      recorder.record(regarding, kube::EventType::Warning, "BackupFailed", "Backup", "disk full");
  EXPECT_EQ(first["regarding"]["uid"], regarding["metadata"]["uid"]);
  EXPECT_EQ(first["reportingController"], "retort.dev/test-controller");
  EXPECT_FALSE(first.contains("series"));

  nlohmann::json last;
  for (int i = 0; i < 3; ++i) {
    last =
        recorder.record(regarding, kube::EventType::Warning, "BackupFailed", "Backup", "disk full");
  }
  EXPECT_EQ(last["metadata"]["name"], first["metadata"]["name"]);
  EXPECT_EQ(last["series"]["count"], 4);
  EXPECT_TRUE(last["series"].contains("lastObservedTime"));

  recorder.record(regarding, kube::EventType::Normal, "BackupSucceeded", "Backup", "ok");
  const auto events = client->list(kube::resources::events(), ns).items;
  EXPECT_EQ(events.size(), 2u);

  // An Event that disappeared (TTL) is recreated rather than failing the caller.
  client->remove(kube::resources::events(), ns, first["metadata"]["name"].get<std::string>());
  const auto again =
      recorder.record(regarding, kube::EventType::Warning, "BackupFailed", "Backup", "disk full");
  EXPECT_NE(again["metadata"]["name"], first["metadata"]["name"]);
}

}  // namespace
}  // namespace retort::testing
