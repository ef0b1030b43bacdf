// parse_kubeconfig on text (no server): inline *-data fields decode as base64, line breaks in
// them are tolerated, and a bad one fails with the field's path and without its content (a
// client key is a secret).
#include <gtest/gtest.h>

#include <string>

#include "kube/client_config.hpp"
#include "kube/kubeconfig.hpp"

namespace retort::kube {
namespace {

// One context "ctx" on cluster "kind" and user "admin"; the three *-data values given.
std::string kubeconfig(const std::string& ca_data, const std::string& cert_data,
                       const std::string& key_data) {
  return "apiVersion: v1\nkind: Config\n"
         "clusters:\n- name: kind\n  cluster:\n    server: https://127.0.0.1:6443/\n"
         "    certificate-authority-data: " +
         ca_data +
         "\n"
         "users:\n- name: admin\n  user:\n    client-certificate-data: " +
         cert_data + "\n    client-key-data: " + key_data +
         "\n"
         "contexts:\n- name: ctx\n  context: {cluster: kind, user: admin, namespace: team-a}\n"
         "current-context: ctx\n";
}

std::string config_error(const std::string& yaml) {
  try {
    parse_kubeconfig(yaml, "/nonexistent");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "parse_kubeconfig accepted:\n" << yaml;
  return {};
}

TEST(KubeconfigTest, InlineDataDecodesAsBase64) {
  // "hello" / "CA!\n" / three bytes including 0x00 and 0xff: padding of 1, 2 and 0 characters.
  const ClientConfig config =
      parse_kubeconfig(kubeconfig("aGVsbG8=", "Q0EhCg==", "AP8A"), "/nonexistent");
  EXPECT_EQ(config.server, "https://127.0.0.1:6443");
  EXPECT_EQ(config.ca_pem, "hello");
  EXPECT_EQ(config.client_cert_pem, "CA!\n");
  EXPECT_EQ(config.client_key_pem, std::string("\0\xff\0", 3));
  EXPECT_EQ(config.default_namespace, "team-a");
}

TEST(KubeconfigTest, LineBreaksInsideInlineDataAreIgnored) {
  // A literal block scalar (|) keeps the line breaks; the decoder must not see them.
  const ClientConfig config =
      parse_kubeconfig(kubeconfig("|\n      aGVs\n      bG8=", "Q0EhCg==", "AP8A"), "/x");
  EXPECT_EQ(config.ca_pem, "hello");
}

TEST(KubeconfigTest, BadBase64NamesTheFieldAndNotItsContent) {
  const std::string bad_char = config_error(kubeconfig("aGVsbG8=", "Q0EhCg==", "c2VjcmV0*A=="));
  EXPECT_NE(bad_char.find(R"(users["admin"].user.client-key-data)"), std::string::npos) << bad_char;
  EXPECT_NE(bad_char.find("not valid base64"), std::string::npos) << bad_char;
  EXPECT_EQ(bad_char.find("c2VjcmV0"), std::string::npos) << "the key's text leaked: " << bad_char;

  const std::string bad_length = config_error(kubeconfig("aGVsbG8", "Q0EhCg==", "AP8A"));
  EXPECT_NE(bad_length.find(R"(clusters["kind"].cluster.certificate-authority-data)"),
            std::string::npos)
      << bad_length;
}

}  // namespace
}  // namespace retort::kube
