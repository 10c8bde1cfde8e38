// ParseKubeconfig: the subset of client-go's kubeconfig format that selects
// one cluster, one user and TLS material.

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "kube/client_config.h"
#include "yaml-cpp/yaml.h"

namespace gpulet::kube {
namespace {

// Error messages all read "<file>: <field>: <what>".
class KubeconfigReader {
 public:
  KubeconfigReader(std::string_view file_name, std::string_view base_dir)
      : file_(file_name), base_dir_(base_dir) {}

  absl::Status Error(std::string_view field, std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(file_, ": ", AsAbsl(field), ": ", AsAbsl(what)));
  }

  // The `name`d entry's `inner` map from the list `list` (clusters, users,
  // contexts), with the field path used in errors.
  absl::StatusOr<YAML::Node> Find(const YAML::Node& root, const std::string& list,
                                  const std::string& inner,
                                  const std::string& name) const {
    YAML::Node entries = root[list];
    if (entries && !entries.IsSequence()) return Error(list, "must be a list");
    if (entries) {
      for (const YAML::Node& entry : entries) {
        if (!entry.IsMap() || !entry["name"] || entry["name"].Scalar() != name) continue;
        YAML::Node value = entry[inner];
        if (!value || !value.IsMap()) {
          return Error(absl::StrCat(list, "[", name, "].", inner), "missing or not a map");
        }
        return value;
      }
    }
    return Error(list, absl::StrCat("no entry named \"", name, "\""));
  }

  // A scalar string field of `map`, "" when absent.
  absl::StatusOr<std::string> String(const YAML::Node& map, const std::string& field,
                                     const std::string& key) const {
    YAML::Node value = map[key];
    if (!value || value.IsNull()) return std::string();
    if (!value.IsScalar()) return Error(field + "." + key, "must be a string");
    return value.Scalar();
  }

  absl::StatusOr<std::string> Base64(const YAML::Node& map, const std::string& field,
                                     const std::string& key) const {
    ASSIGN_OR_RETURN(std::string encoded, String(map, field, key));
    if (encoded.empty()) return encoded;
    std::string decoded;
    if (!absl::Base64Unescape(encoded, &decoded)) {
      return Error(field + "." + key, "is not valid base64");
    }
    return decoded;
  }

  // A path field, made absolute against the kubeconfig's directory.
  absl::StatusOr<std::string> Path(const YAML::Node& map, const std::string& field,
                                   const std::string& key) const {
    ASSIGN_OR_RETURN(std::string text, String(map, field, key));
    const std::filesystem::path path(text);
    if (path.empty() || path.is_absolute()) return text;
    return (std::filesystem::path(base_dir_) / path).lexically_normal().string();
  }

  absl::Status ReadCluster(const YAML::Node& cluster, const std::string& field,
                           ClientConfig& config) const {
    ASSIGN_OR_RETURN(config.server, String(cluster, field, "server"));
    if (config.server.empty()) return Error(field + ".server", "is missing");
    ASSIGN_OR_RETURN(config.ca_file, Path(cluster, field, "certificate-authority"));
    ASSIGN_OR_RETURN(config.ca_data, Base64(cluster, field, "certificate-authority-data"));
    YAML::Node insecure = cluster["insecure-skip-tls-verify"];
    if (insecure && !insecure.IsNull()) {
      bool value = false;
      if (!YAML::convert<bool>::decode(insecure, value)) {
        return Error(field + ".insecure-skip-tls-verify", "must be true or false");
      }
      config.insecure_skip_tls_verify = value;
    }
    return absl::OkStatus();
  }

  absl::Status ReadUser(const YAML::Node& user, const std::string& field,
                        ClientConfig& config) const {
    ASSIGN_OR_RETURN(config.bearer_token, String(user, field, "token"));
    ASSIGN_OR_RETURN(config.bearer_token_file, Path(user, field, "tokenFile"));
    ASSIGN_OR_RETURN(config.client_cert_file, Path(user, field, "client-certificate"));
    ASSIGN_OR_RETURN(config.client_cert_data,
                     Base64(user, field, "client-certificate-data"));
    ASSIGN_OR_RETURN(config.client_key_file, Path(user, field, "client-key"));
    ASSIGN_OR_RETURN(config.client_key_data, Base64(user, field, "client-key-data"));
    bool has_cert = !config.client_cert_file.empty() || !config.client_cert_data.empty();
    bool has_key = !config.client_key_file.empty() || !config.client_key_data.empty();
    if (has_cert != has_key) {
      return Error(field, "client-certificate and client-key must be given together");
    }
    for (const char* unsupported : {"exec", "auth-provider"}) {
      if (user[unsupported]) {
        return Error(absl::StrCat(field, ".", unsupported),
                     "credential plugins are not supported; use a token or "
                     "client certificates");
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ClientConfig> Read(const YAML::Node& root, std::string context_name) const {
    if (!root.IsMap()) return Error("(top level)", "must be a map");
    if (context_name.empty()) {
      ASSIGN_OR_RETURN(context_name, String(root, "", "current-context"));
      if (context_name.empty()) {
        return Error("current-context", "is not set and no context was requested");
      }
    }
    ASSIGN_OR_RETURN(YAML::Node context, Find(root, "contexts", "context", context_name));
    std::string context_field = absl::StrCat("contexts[", context_name, "].context");
    ASSIGN_OR_RETURN(std::string cluster_name, String(context, context_field, "cluster"));
    if (cluster_name.empty()) return Error(context_field + ".cluster", "is missing");
    ASSIGN_OR_RETURN(std::string user_name, String(context, context_field, "user"));

    ClientConfig config;
    ASSIGN_OR_RETURN(YAML::Node cluster, Find(root, "clusters", "cluster", cluster_name));
    RETURN_IF_ERROR(
        ReadCluster(cluster, absl::StrCat("clusters[", cluster_name, "].cluster"), config));
    // A context without a user is valid (anonymous access).
    if (!user_name.empty()) {
      ASSIGN_OR_RETURN(YAML::Node user, Find(root, "users", "user", user_name));
      RETURN_IF_ERROR(ReadUser(user, absl::StrCat("users[", user_name, "].user"), config));
    }
    return config;
  }

 private:
  std::string file_;
  std::string base_dir_;
};

}  // namespace

absl::StatusOr<ClientConfig> ParseKubeconfig(std::string_view text,
                                             std::string_view file_name,
                                             std::string_view base_dir,
                                             std::string_view context) {
  KubeconfigReader reader(file_name, base_dir);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return reader.Read(root, std::string(context));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(file_name), ":", e.mark.line + 1, ": not a valid kubeconfig: ", e.msg));
  }
}

}  // namespace gpulet::kube
