// CDI spec files: loading one, writing one atomically, and listing the
// devices of the spec directories as runtimes see them.
//
// Thread-safe (no shared state); a concurrent writer of the same file is
// seen either before or after its rename.
#ifndef GPULET_CDI_SPEC_FILE_H_
#define GPULET_CDI_SPEC_FILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cdi/spec.h"
#include "cdi/spec_format.h"

namespace gpulet::cdi {

// The directories runtimes read, lowest priority first.
inline constexpr std::string_view kDefaultSpecDirs[] = {"/etc/cdi", "/var/run/cdi"};

// Reads and decodes `path` (format from its extension; InvalidArgument for
// another extension). Errors of ParseSpec prefixed with the path; NotFound
// or PermissionDenied naming it when it cannot be read.
absl::StatusOr<Spec> LoadSpecFile(const std::string& path);

// Validates `spec` and replaces `path` with its text, mode 0644, through
// WriteFileAtomically: a runtime that rescans the directory never sees a
// half-written spec. Nothing is written when validation fails.
absl::Status WriteSpecFile(const std::string& path, const Spec& spec,
                           SpecFormat format);

// A fully qualified device name and the file that defines it.
struct QualifiedDevice {
  std::string name;  // "nvidia.com/gpu=0"
  std::string file;

  friend bool operator==(const QualifiedDevice&, const QualifiedDevice&) = default;
};

struct SpecDirListing {
  std::vector<QualifiedDevice> devices;  // sorted by name
  // One line per spec file that could not be used, naming it and why.
  std::vector<std::string> problems;
};

// The devices of the *.json/*.yaml files directly in `dirs`, as the CDI
// library resolves them: a later directory overrides an earlier one for the
// same qualified name; the same name twice in one directory is a conflict
// that drops both. Missing directories are skipped; invalid files are
// reported in `problems` and skipped.
SpecDirListing ListSpecDirs(const std::vector<std::string>& dirs);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_FILE_H_
