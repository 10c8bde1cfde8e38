// DoctorReport: what `gpulet doctor` found on a node — one Section per
// area (driver, GPUs, config, resources, labels, CDI, kubelet, container
// runtime, NFD, allocation), each with the facts it read and its findings
// (✓ fine, · for information, ! worth a look, ✗ a problem with a one-line
// fix) — and its two renderings, text for a terminal and JSON with a
// stable key order for scripts.
//
// A problem marked `blocking` means the node cannot serve GPUs to pods
// while it stands (no driver, a config the plugin refuses, no healthy
// device, no kubelet); only those make the exit status 1. A problem that
// leaves the node serving (one GPU lost out of eight, a stale label file)
// is shown as ✗ but keeps the exit status 0.
//
// A value built by one thread; not thread-safe.
#ifndef GPULET_DOCTOR_DOCTOR_REPORT_H_
#define GPULET_DOCTOR_DOCTOR_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace gpulet::doctor {

enum class Mark { kOk, kNote, kWarning, kProblem };

// "✓", "·", "!", "✗".
std::string_view MarkSymbol(Mark mark);
// "ok", "note", "warning", "problem" (the JSON spelling).
std::string_view MarkName(Mark mark);

struct Finding {
  Mark mark = Mark::kOk;
  std::string text;                  // one line
  std::vector<std::string> details;  // lines shown under it
  std::string fix;                   // one line; set for warnings and problems
  bool blocking = false;             // only for problems
};

struct Section {
  std::string key;    // JSON key, "driver"
  std::string title;  // text heading, "Driver"
  // What was read, for --json (stable key order).
  nlohmann::ordered_json facts = nlohmann::ordered_json::object();
  std::vector<Finding> findings;

  // Each appends a finding and returns it for details.
  Finding& Ok(std::string text);
  Finding& Note(std::string text);
  Finding& Warn(std::string text, std::string fix);
  Finding& Problem(std::string text, std::string fix, bool blocking);
};

class DoctorReport {
 public:
  // A new section, after the others. The reference stays valid until the
  // next AddSection().
  Section& AddSection(std::string key, std::string title);
  const std::vector<Section>& sections() const { return sections_; }
  const Section* Find(std::string_view key) const;

  // False when any problem is blocking.
  bool CanServeGpus() const;
  int Count(Mark mark) const;
  // 0 when the node can serve GPUs, 1 when it cannot.
  int ExitCode() const { return CanServeGpus() ? 0 : 1; }

 private:
  std::vector<Section> sections_;
};

// {"can_serve_gpus", "problems", "warnings", then each section by key:
// its facts and "findings": [{"mark", "text", "details", "fix", "blocking"}]}.
nlohmann::ordered_json ReportToJson(const DoctorReport& report);

// Each section's title, then its findings indented with their mark, details
// below and "fix: ..." under warnings and problems; a closing verdict line.
std::string RenderReportText(const DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_DOCTOR_REPORT_H_
