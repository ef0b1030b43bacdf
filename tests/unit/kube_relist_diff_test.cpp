// What an informer tells its handlers after a relist: adds, updates (the cached text changed,
// as it does with the resourceVersion) and the deletes it missed while it was not watching.
#include <gtest/gtest.h>

#include "kube/object_key.hpp"
#include "kube/relist_diff.hpp"

namespace retort::kube {
namespace {

using nlohmann::json;

// An object as the informer caches it: its compact JSON text.
std::string object(const std::string& name, const std::string& rv, const std::string& ns = "app") {
  return json{{"metadata", {{"name", name}, {"namespace", ns}, {"resourceVersion", rv}}}}.dump();
}

ObjectTextCache cache_of(const std::vector<std::string>& texts) {
  ObjectTextCache cache;
  for (const auto& text : texts) cache[object_key(json::parse(text))] = text;
  return cache;
}

std::vector<std::pair<std::string, std::string>> listed(const std::vector<std::string>& texts) {
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& text : texts) items.emplace_back(object_key(json::parse(text)), text);
  return items;
}

// "add a 5", "update a 3->5", "delete b 2"
std::vector<std::string> describe(const std::vector<CacheChange>& changes) {
  std::vector<std::string> out;
  for (const auto& change : changes) {
    const json object = json::parse(change.object);
    const std::string name = object_name(object);
    switch (change.kind) {
      case CacheChange::Kind::Add:
        out.push_back("add " + name + " " + resource_version(object));
        break;
      case CacheChange::Kind::Update:
        out.push_back("update " + name + " " + resource_version(json::parse(change.old_object)) +
                      "->" + resource_version(object));
        break;
      case CacheChange::Kind::Delete:
        out.push_back("delete " + name + " " + resource_version(object));
        break;
    }
  }
  return out;
}

TEST(RelistDiffTest, TheFirstListIsAllAdds) {
  RelistResult result = diff_relist({}, listed({object("a", "1"), object("b", "2")}));
  EXPECT_EQ(describe(result.changes), (std::vector<std::string>{"add a 1", "add b 2"}));
  EXPECT_EQ(result.cache.size(), 2u);
  EXPECT_EQ(result.cache.at("app/b"), object("b", "2"));
}

TEST(RelistDiffTest, ChangedUnchangedNewAndVanishedObjects) {
  const auto cache =
      cache_of({object("changed", "3"), object("same", "4"), object("vanished", "2")});
  RelistResult result =
      diff_relist(cache, listed({object("new", "9"), object("changed", "7"), object("same", "4")}));
  EXPECT_EQ(describe(result.changes),
            (std::vector<std::string>{"add new 9", "update changed 3->7", "delete vanished 2"}));
  EXPECT_EQ(result.cache,
            cache_of({object("new", "9"), object("changed", "7"), object("same", "4")}));
}

TEST(RelistDiffTest, AnEmptyListDeletesEverythingInKeyOrder) {
  RelistResult result = diff_relist(cache_of({object("b", "2"), object("a", "1")}), {});
  EXPECT_EQ(describe(result.changes), (std::vector<std::string>{"delete a 1", "delete b 2"}));
  EXPECT_TRUE(result.cache.empty());
}

TEST(RelistDiffTest, TheSameNameInAnotherNamespaceIsAnotherObject) {
  RelistResult result =
      diff_relist(cache_of({object("x", "1", "one")}), listed({object("x", "1", "two")}));
  EXPECT_EQ(describe(result.changes), (std::vector<std::string>{"add x 1", "delete x 1"}));
  EXPECT_EQ(object_namespace(json::parse(result.changes[0].object)), "two");
  EXPECT_EQ(object_namespace(json::parse(result.changes[1].object)), "one");
}

TEST(RelistDiffTest, AnUnchangedListChangesNothing) {
  const auto cache = cache_of({object("a", "1"), object("b", "2")});
  RelistResult result = diff_relist(cache, listed({object("b", "2"), object("a", "1")}));
  EXPECT_TRUE(result.changes.empty()) << describe(result.changes).front();
  EXPECT_EQ(result.cache, cache);
}

}  // namespace
}  // namespace retort::kube
