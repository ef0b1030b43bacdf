// Watch and informer against the real API server, with a relay in between that the test cuts
// to force reconnects: no change is lost or reordered across a reconnect, an expired
// resourceVersion (etcd compacted) is recovered by a relist, resync replays the cache, a
// transform trims listed and watched objects before they are cached and delivered, and stop()
// is prompt while a watch is open.
#include "kube/informer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <mutex>
#include <thread>

#include "kube/api_client.hpp"
#include "kube/api_error.hpp"
#include "kube/object_key.hpp"
#include "kube_test_support.hpp"
#include "tcp_proxy.hpp"
#include "tests/support/kube_cluster.hpp"

namespace retort::testing {
namespace {

using nlohmann::json;

std::uint16_t apiserver_port() {
  const std::string url = KubeClusterEnvironment::cluster().apiserver_url();
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

// What the handlers saw, in order.
class Recorder {
 public:
  kube::EventHandlers handlers() {
    return {[this](const json& o) { push("add", o); },
            [this](const json& old_object, const json& o) {
              if (kube::resource_version(old_object) == kube::resource_version(o)) {
                push("resync", o);
              } else {
                push("update", o);
              }
            },
            [this](const json& o) { push("delete", o); }};
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  // Entries "verb name value" for one object, where value is spec.size or data.v.
  std::vector<std::string> for_object(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& e : events()) {
      if (e.find(" " + name + " ") != std::string::npos) out.push_back(e);
    }
    return out;
  }
  bool contains(const std::string& entry) const {
    for (const auto& e : events())
      if (e == entry) return true;
    return false;
  }

 private:
  void push(const std::string& verb, const json& o) {
    std::string value;
    if (o.contains("spec")) value = std::to_string(o["spec"].value("size", -1));
    if (o.contains("data")) value = o["data"].value("v", "");
    std::lock_guard lock(mutex_);
    events_.push_back(verb + " " + kube::object_name(o) + " " + value);
  }
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
};

kube::InformerOptions options_for(kube::Resource resource, const std::string& ns) {
  kube::InformerOptions options;
  options.resource = std::move(resource);
  options.ns = ns;
  return options;
}

json widget(const std::string& name, int size) {
  return {{"apiVersion", "kube-test.retort.dev/v1"},
          {"kind", "Widget"},
          {"metadata", {{"name", name}}},
          {"spec", {{"size", size}}}};
}

json config_map(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}}},
          {"data", {{"v", value}}}};
}

void set_size(const kube::ApiClient& client, const std::string& ns, const std::string& name,
              int size) {
  client.patch(widgets(), ns, name, kube::PatchType::Merge, {{"spec", {{"size", size}}}});
}

TEST(InformerTest, SeesEveryChangeInOrderAcrossAForcedReconnect) {
  auto direct = admin_client();
  install_widget_crd(*direct);
  const std::string ns = make_namespace(*direct, "watch");
  direct->create(widgets(), ns, widget("w", 0));

  TcpProxy proxy(apiserver_port());
  kube::ClientConfig relayed = admin_config();
  relayed.server = "https://127.0.0.1:" + std::to_string(proxy.port());
  Recorder recorder;
  kube::Informer informer(std::make_shared<kube::ApiClient>(relayed), options_for(widgets(), ns));
  informer.add_handlers(recorder.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(30)));

  for (int size = 1; size <= 5; ++size) set_size(*direct, ns, "w", size);
  ASSERT_TRUE(eventually([&] { return recorder.contains("update w 5"); }));

  // Drop the watch; change things while the informer cannot see them.
  proxy.cut();
  for (int size = 6; size <= 10; ++size) set_size(*direct, ns, "w", size);
  direct->create(widgets(), ns, widget("short-lived", 1));
  direct->remove(widgets(), ns, "short-lived");
  // Whenever the informer noticed the cut, it must end with every change, in order.
  proxy.resume();

  ASSERT_TRUE(
      eventually([&] { return recorder.contains("update w 10"); }, std::chrono::seconds(60)));
  ASSERT_TRUE(eventually([&] { return recorder.contains("delete short-lived 1"); }));
  informer.stop();

  std::vector<std::string> expected = {"add w 0"};
  for (int size = 1; size <= 10; ++size) expected.push_back("update w " + std::to_string(size));
  EXPECT_EQ(recorder.for_object("w"), expected);
  EXPECT_EQ(recorder.for_object("short-lived"),
            (std::vector<std::string>{"add short-lived 1", "delete short-lived 1"}));
  EXPECT_GE(informer.watch_count(), 2u) << "the watch must have been re-opened";
  EXPECT_EQ(informer.list_count(), 1u) << "a reconnect resumes from the resourceVersion";
  EXPECT_GE(proxy.connections_accepted(), 2u);
}

TEST(InformerTest, RelistsWhenTheResourceVersionExpired) {
  auto direct = admin_client();
  const std::string ns = make_namespace(*direct, "expired");
  direct->create(kube::resources::config_maps(), ns, config_map("keep", "1"));
  direct->create(kube::resources::config_maps(), ns, config_map("gone", "1"));

  TcpProxy proxy(apiserver_port());
  kube::ClientConfig relayed = admin_config();
  relayed.server = "https://127.0.0.1:" + std::to_string(proxy.port());
  Recorder recorder;
  kube::Informer informer(std::make_shared<kube::ApiClient>(relayed),
                          options_for(kube::resources::config_maps(), ns));
  informer.add_handlers(recorder.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(30)));
  ASSERT_EQ(informer.list().size(), 2u);

  // While the informer is cut off: change, delete, add, then compact etcd so that its
  // resourceVersion no longer exists. configmaps bypass the watch cache in this cluster
  // (kKubeTestApiserverArgs), so the re-watch reaches etcd and gets 410 Expired.
  proxy.cut();
  direct->patch(kube::resources::config_maps(), ns, "keep", kube::PatchType::Merge,
                {{"data", {{"v", "2"}}}});
  direct->remove(kube::resources::config_maps(), ns, "gone");
  direct->create(kube::resources::config_maps(), ns, config_map("new", "1"));
  // Unrelated churn moves etcd's revision well past the informer's.
  for (int i = 0; i < 5; ++i) {
    direct->patch(kube::resources::config_maps(), ns, "keep", kube::PatchType::Merge,
                  {{"metadata", {{"annotations", {{"churn", std::to_string(i)}}}}}});
  }
  compact_etcd(KubeClusterEnvironment::cluster().etcd_url());

  // The old resourceVersion is now refused by the server itself.
  try {
    kube::WatchOptions stale;
    stale.resource_version = informer.last_resource_version();
    auto stream =
        direct->watch(kube::resources::config_maps(), ns, stale, pplx::cancellation_token::none());
    stream.next();
    FAIL() << "a watch from a compacted resourceVersion must fail";
  } catch (const kube::ApiError& e) {
    EXPECT_TRUE(e.is_expired()) << e.what();
  }
  proxy.resume();

  ASSERT_TRUE(eventually([&] { return informer.list_count() >= 2; }, std::chrono::seconds(60)));
  ASSERT_TRUE(eventually([&] { return recorder.contains("add new 1"); }));
  informer.stop();

  EXPECT_TRUE(recorder.contains("delete gone 1"));
  EXPECT_TRUE(recorder.contains("update keep 2"));
  std::vector<std::string> cached;
  for (const auto& object : informer.list()) cached.push_back(kube::object_name(object));
  std::sort(cached.begin(), cached.end());
  EXPECT_EQ(cached, (std::vector<std::string>{"keep", "new"}));
  ASSERT_TRUE(informer.get(ns + "/keep"));
  EXPECT_EQ((*informer.get(ns + "/keep"))["data"]["v"], "2");
}

TEST(InformerTest, ResyncReplaysTheCacheAndStopIsPrompt) {
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "resync");
  client->create(kube::resources::config_maps(), ns, config_map("only", "1"));

  Recorder recorder;
  kube::InformerOptions options = options_for(kube::resources::config_maps(), ns);
  options.resync_period = std::chrono::milliseconds(300);
  kube::Informer informer(client, options);
  informer.add_handlers(recorder.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(30)));
  ASSERT_TRUE(eventually([&] {
    int resyncs = 0;
    for (const auto& e : recorder.events()) resyncs += e == "resync only 1" ? 1 : 0;
    return resyncs >= 2;
  }));

  // A watch is open and idle now; stop() must not wait for it to time out (at least
  // min_watch_timeout_seconds, 300 s): bounded well below that, it cancels the watch.
  ASSERT_TRUE(eventually([&] { return informer.watch_count() >= 1; }));
  auto stopped = std::async(std::launch::async, [&] { informer.stop(); });
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "stop() waited for the idle watch";
}

TEST(InformerTest, TransformStripsManagedFieldsAndLastAppliedBeforeCaching) {
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "transform");
  // The server records managedFields on every write; the annotation is what `kubectl apply`
  // (client side) leaves.
  const auto annotated = [](const std::string& name, const std::string& value) {
    json object = config_map(name, value);
    object["metadata"]["annotations"] = {
        {"kubectl.kubernetes.io/last-applied-configuration", "{\"big\":\"copy\"}"}, {"team", "db"}};
    return object;
  };
  const json listed = client->create(kube::resources::config_maps(), ns, annotated("listed", "1"));
  ASSERT_TRUE(listed["metadata"].contains("managedFields")) << "the server sets managedFields";

  std::mutex mutex;
  std::vector<json> delivered;
  kube::InformerOptions options = options_for(kube::resources::config_maps(), ns);
  options.transform = kube::strip_for_cache;
  kube::Informer informer(client, options);
  const auto record = [&](const json& o) {
    std::lock_guard lock(mutex);
    delivered.push_back(o);
  };
  informer.add_handlers(
      {record, [&](const json&, const json& o) { record(o); }, [&](const json& o) { record(o); }});
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(30)));
  ASSERT_TRUE(eventually([&] { return informer.watch_count() >= 1; }));
  client->create(kube::resources::config_maps(), ns, annotated("watched", "1"));
  ASSERT_TRUE(eventually([&] { return informer.get(ns + "/watched").has_value(); }));

  for (const char* name : {"listed", "watched"}) {
    const json cached = *informer.get(ns + "/" + name);
    EXPECT_FALSE(cached["metadata"].contains("managedFields")) << name;
    EXPECT_EQ(cached["metadata"]["annotations"], (json{{"team", "db"}})) << name;
    EXPECT_EQ(cached["data"]["v"], "1") << name;
    EXPECT_FALSE(kube::resource_version(cached).empty()) << name;
  }
  // The cache is updated before the handlers run: wait for the second delivery.
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return delivered.size() >= 2;
  }));
  std::lock_guard lock(mutex);
  ASSERT_EQ(delivered.size(), 2u);
  for (const json& o : delivered) {
    EXPECT_FALSE(o["metadata"].contains("managedFields")) << kube::object_name(o);
    EXPECT_FALSE(
        o["metadata"]["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"))
        << kube::object_name(o);
  }
}

TEST(WatchStreamTest, DeliversEventsAndBookmarksThenEndsAtTheServerTimeout) {
  auto client = admin_client();
  install_widget_crd(*client);
  const std::string ns = make_namespace(*client, "bookmarks");
  const kube::ObjectList empty = client->list(widgets(), ns);

  kube::WatchOptions options;
  options.resource_version = empty.resource_version;
  options.timeout_seconds = 15;  // the watch cache sends a bookmark shortly before the deadline
  pplx::cancellation_token_source cancel;
  kube::WatchStream stream = client->watch(widgets(), ns, options, cancel.get_token());
  client->create(widgets(), ns, widget("watched", 3));

  std::vector<kube::WatchEvent> events;
  const auto started = std::chrono::steady_clock::now();
  while (auto event = stream.next()) events.push_back(std::move(*event));
  const auto elapsed = std::chrono::steady_clock::now() - started;

  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].type, kube::WatchEvent::Type::Added);
  EXPECT_EQ(events[0].object["spec"]["size"], 3);
  EXPECT_EQ(events.back().type, kube::WatchEvent::Type::Bookmark);
  EXPECT_FALSE(kube::resource_version(events.back().object).empty());
  EXPECT_GE(elapsed, std::chrono::seconds(10));  // ended by the server, not by us
}

}  // namespace
}  // namespace retort::testing
