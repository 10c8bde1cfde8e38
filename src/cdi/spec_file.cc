#include "cdi/spec_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/atomic_file.h"
#include "base/status_macros.h"
#include "cdi/spec_validator.h"

namespace gpulet::cdi {
namespace {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    std::string message = absl::StrCat("cannot read \"", path, "\": ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::FailedPreconditionError(message);
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::Status WithPath(const std::string& path, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
}

// Spec files directly in `dir`, sorted; none when it does not exist.
std::vector<std::string> SpecFilesIn(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (FormatOfPath(entry.path().native()).has_value() && !entry.is_directory(error)) {
      files.push_back(entry.path().native());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// name -> files defining it, for one directory.
std::map<std::string, std::vector<std::string>> DevicesIn(
    const std::string& dir, std::vector<std::string>& problems) {
  std::map<std::string, std::vector<std::string>> found;
  for (const std::string& file : SpecFilesIn(dir)) {
    absl::StatusOr<Spec> spec = LoadSpecFile(file);
    absl::Status valid = spec.ok() ? ValidateSpec(*spec) : spec.status();
    if (!valid.ok()) {
      problems.push_back(spec.ok() ? WithPath(file, valid).ToString() : valid.ToString());
      continue;
    }
    for (const Device& device : spec->devices) {
      found[absl::StrCat(spec->kind, "=", device.name)].push_back(file);
    }
  }
  return found;
}

}  // namespace

absl::StatusOr<Spec> LoadSpecFile(const std::string& path) {
  std::optional<SpecFormat> format = FormatOfPath(path);
  if (!format.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", path, "\": a CDI spec file name must end in .json or .yaml"));
  }
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  absl::StatusOr<Spec> spec = ParseSpec(text, *format);
  if (!spec.ok()) return WithPath(path, spec.status());
  return spec;
}

absl::Status WriteSpecFile(const std::string& path, const Spec& spec,
                           SpecFormat format) {
  absl::Status valid = ValidateSpec(spec);
  if (!valid.ok()) {
    return absl::Status(valid.code(), absl::StrCat("refusing to write \"", path,
                                                   "\": ", valid.message()));
  }
  return WriteFileAtomically(path, FormatSpec(spec, format), 0644);
}

SpecDirListing ListSpecDirs(const std::vector<std::string>& dirs) {
  SpecDirListing listing;
  std::map<std::string, std::string> winners;
  for (const std::string& dir : dirs) {
    for (const auto& [name, files] : DevicesIn(dir, listing.problems)) {
      if (files.size() > 1) {
        listing.problems.push_back(absl::StrCat(
            "conflicting definitions of ", name, " in ", files[0], " and ",
            files[1], ": neither is used"));
        winners.erase(name);
        continue;
      }
      winners[name] = files[0];
    }
  }
  for (auto& [name, file] : winners) {
    listing.devices.push_back(QualifiedDevice{name, std::move(file)});
  }
  return listing;
}

}  // namespace gpulet::cdi
