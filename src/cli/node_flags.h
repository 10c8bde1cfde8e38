// The flags every node-side subcommand shares (--nvml-library, --driver-root,
// --dev-root, --driver-root-ctr-path), declared once so they are spelled and
// documented the same everywhere. Their environment fallbacks are resolved
// by config/node_options.h, not by CLI11.
//
// Not thread-safe: used on the main thread while parsing.
#ifndef GPULET_CLI_NODE_FLAGS_H_
#define GPULET_CLI_NODE_FLAGS_H_

#include <string>

#include "CLI/CLI.hpp"
#include "config/node_options.h"

namespace gpulet::cli {

class NodeFlagSet {
 public:
  // Declares the flags on `app`. Must outlive the parse.
  explicit NodeFlagSet(CLI::App& app);
  NodeFlagSet(const NodeFlagSet&) = delete;
  NodeFlagSet& operator=(const NodeFlagSet&) = delete;

  // The flags that were given, after parsing.
  NodeFlags Parsed() const;

 private:
  std::string nvml_library_, driver_root_, dev_root_, driver_root_ctr_path_;
  CLI::Option* nvml_library_option_;
  CLI::Option* driver_root_option_;
  CLI::Option* dev_root_option_;
  CLI::Option* driver_root_ctr_path_option_;
};

}  // namespace gpulet::cli

#endif  // GPULET_CLI_NODE_FLAGS_H_
