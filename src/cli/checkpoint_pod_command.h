// `gpulet checkpoint pod NAMESPACE/NAME`: checkpoints every container of a
// pod through its node's kubelet (see checkpoint/kubelet_checkpoint.h), in
// parallel, and prints the archive of each.
//
//   gpulet checkpoint pod NS/NAME [--kubeconfig F] [--kubelet-url URL]
//                         [--kubelet-port 10250] [--kubelet-ca FILE]
//                         [--kubelet-insecure-tls] [--timeout 5m]
//
// The kubelet is the pod's node's (its InternalIP) unless --kubelet-url
// names one; the credentials are the kubeconfig's or the service
// account's, the CA theirs unless --kubelet-ca is given (kubelets often
// serve a self-signed certificate: --kubelet-insecure-tls then).
//
// Exit codes: cli/checkpoint_exit_code.h (the first failing container's).
#ifndef GPULET_CLI_CHECKPOINT_POD_COMMAND_H_
#define GPULET_CLI_CHECKPOINT_POD_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace gpulet::cli {

// Adds `pod` under `checkpoint`.
void AddCheckpointPodCommand(CLI::App& checkpoint, const CommandContext& context,
                             CommandRunner& runner);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_CHECKPOINT_POD_COMMAND_H_
