#include "cli/checkpoint_pod_command.h"

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/duration.h"
#include "checkpoint/kubelet_checkpoint.h"
#include "checkpoint/pod_lookup.h"
#include "cli/checkpoint_exit_code.h"
#include "cli/text_table.h"
#include "kube/client.h"
#include "kube/client_config.h"

namespace gpulet::cli {
namespace {

struct PodFlags {
  std::string pod;
  std::string kubeconfig;
  std::string kubelet_url;
  int kubelet_port = checkpoint::kDefaultKubeletPort;
  std::string kubelet_ca;
  bool kubelet_insecure_tls = false;
  std::string timeout = "5m";
};

void DeclareFlags(CLI::App& cmd, PodFlags& f) {
  cmd.add_option("pod", f.pod, "NAMESPACE/NAME")->required();
  cmd.add_option("--kubeconfig", f.kubeconfig,
                 "kubeconfig file (default $KUBECONFIG, in-cluster, ~/.kube/config)");
  cmd.add_option("--kubelet-url", f.kubelet_url,
                 "the kubelet to ask, e.g. https://10.0.0.5:10250 (default: the pod's node)");
  cmd.add_option("--kubelet-port", f.kubelet_port, "the kubelet's port")->capture_default_str();
  cmd.add_option("--kubelet-ca", f.kubelet_ca,
                 "CA file for the kubelet's serving certificate (default: the API server's)");
  cmd.add_flag("--kubelet-insecure-tls", f.kubelet_insecure_tls,
               "do not verify the kubelet's serving certificate");
  cmd.add_option("--timeout", f.timeout, "the kubelet's limit per container")
      ->capture_default_str();
}

// Where the pod's kubelet is, with the API credentials and the kubelet's CA.
absl::StatusOr<kube::ClientConfig> KubeletConfig(const PodFlags& f, kube::Client& api,
                                                 const checkpoint::PodInfo& pod) {
  kube::ClientConfig config = api.config();
  config.server = f.kubelet_url;
  if (config.server.empty()) {
    if (pod.node_name.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("pod ", pod.ref.ToString(), " is not scheduled to a node"));
    }
    absl::StatusOr<nlohmann::json> node = api.GetNode(pod.node_name);
    if (!node.ok()) return node.status();
    config.server = checkpoint::KubeletUrlForNode(*node, f.kubelet_port);
  }
  if (!f.kubelet_ca.empty()) {
    config.ca_file = f.kubelet_ca;
    config.ca_data.clear();
  }
  config.insecure_skip_tls_verify = config.insecure_skip_tls_verify || f.kubelet_insecure_tls;
  return config;
}

int Fail(CheckpointStep step, const absl::Status& status) {
  std::cerr << "gpulet checkpoint pod: " << status.message() << "\n";
  return ExitCodeFor(step, status);
}

int RunPod(const PodFlags& f, const Environment& env) {
  absl::StatusOr<std::chrono::nanoseconds> timeout = ParseGoDuration(f.timeout);
  if (!timeout.ok() || timeout->count() <= 0) {
    return Fail(CheckpointStep::kResolve,
                absl::InvalidArgumentError("--timeout \"" + f.timeout +
                                           "\": expected a positive duration such as 5m"));
  }
  absl::StatusOr<checkpoint::PodRef> ref = checkpoint::ParsePodRef(f.pod);
  if (!ref.ok()) return Fail(CheckpointStep::kResolve, ref.status());
  absl::StatusOr<kube::ClientConfig> api_config = kube::ResolveClientConfig(f.kubeconfig, env);
  if (!api_config.ok()) return Fail(CheckpointStep::kResolve, api_config.status());
  absl::StatusOr<std::unique_ptr<kube::Client>> api = kube::Client::Create(*api_config);
  if (!api.ok()) return Fail(CheckpointStep::kResolve, api.status());
  absl::StatusOr<checkpoint::PodInfo> pod = checkpoint::LookUpPod(**api, *ref);
  if (!pod.ok()) return Fail(CheckpointStep::kResolve, pod.status());
  absl::StatusOr<kube::ClientConfig> kubelet = KubeletConfig(f, **api, *pod);
  if (!kubelet.ok()) return Fail(CheckpointStep::kResolve, kubelet.status());
  absl::StatusOr<std::unique_ptr<checkpoint::KubeletCheckpointer>> checkpointer =
      checkpoint::KubeletCheckpointer::Create(*kubelet, absl::FromChrono(*timeout));
  if (!checkpointer.ok()) return Fail(CheckpointStep::kKubelet, checkpointer.status());

  std::vector<checkpoint::ContainerCheckpoint> results = (*checkpointer)->CheckpointPod(*pod);
  TextTable table({"CONTAINER", "ARCHIVE", "ERROR"});
  absl::Status first_error;
  for (const checkpoint::ContainerCheckpoint& r : results) {
    table.AddRow({r.container, r.archives.empty() ? "-" : absl::StrJoin(r.archives, ","),
                  r.status.ok() ? "" : std::string(r.status.message())});
    if (first_error.ok()) first_error = r.status;
  }
  std::cout << table.Render();
  if (!first_error.ok()) return Fail(CheckpointStep::kKubelet, first_error);
  return kCheckpointOk;
}

}  // namespace

void AddCheckpointPodCommand(CLI::App& checkpoint, const CommandContext& context,
                             CommandRunner& runner) {
  CLI::App* cmd = checkpoint.add_subcommand(
      "pod", "checkpoint every container of a pod through the kubelet's checkpoint API");
  auto flags = std::make_shared<PodFlags>();
  DeclareFlags(*cmd, *flags);
  const Environment* env = context.environment;
  cmd->callback([&runner, flags, env] {
    runner = [flags, env] { return RunPod(*flags, *env); };
  });
}

}  // namespace gpulet::cli
