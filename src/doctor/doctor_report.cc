#include "doctor/doctor_report.h"

#include <utility>

namespace gpulet::doctor {

std::string_view MarkSymbol(Mark mark) {
  switch (mark) {
    case Mark::kOk: return "✓";
    case Mark::kNote: return "·";
    case Mark::kWarning: return "!";
    case Mark::kProblem: return "✗";
  }
  return "?";
}

std::string_view MarkName(Mark mark) {
  switch (mark) {
    case Mark::kOk: return "ok";
    case Mark::kNote: return "note";
    case Mark::kWarning: return "warning";
    case Mark::kProblem: return "problem";
  }
  return "unknown";
}

Finding& Section::Ok(std::string text) {
  findings.push_back({Mark::kOk, std::move(text), {}, "", false});
  return findings.back();
}

Finding& Section::Note(std::string text) {
  findings.push_back({Mark::kNote, std::move(text), {}, "", false});
  return findings.back();
}

Finding& Section::Warn(std::string text, std::string fix) {
  findings.push_back({Mark::kWarning, std::move(text), {}, std::move(fix), false});
  return findings.back();
}

Finding& Section::Problem(std::string text, std::string fix, bool blocking) {
  findings.push_back({Mark::kProblem, std::move(text), {}, std::move(fix), blocking});
  return findings.back();
}

Section& DoctorReport::AddSection(std::string key, std::string title) {
  Section section;
  section.key = std::move(key);
  section.title = std::move(title);
  sections_.push_back(std::move(section));
  return sections_.back();
}

const Section* DoctorReport::Find(std::string_view key) const {
  for (const Section& section : sections_) {
    if (section.key == key) return &section;
  }
  return nullptr;
}

bool DoctorReport::CanServeGpus() const {
  for (const Section& section : sections_) {
    for (const Finding& finding : section.findings) {
      if (finding.mark == Mark::kProblem && finding.blocking) return false;
    }
  }
  return true;
}

int DoctorReport::Count(Mark mark) const {
  int n = 0;
  for (const Section& section : sections_) {
    for (const Finding& finding : section.findings) n += finding.mark == mark ? 1 : 0;
  }
  return n;
}

nlohmann::ordered_json ReportToJson(const DoctorReport& report) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["can_serve_gpus"] = report.CanServeGpus();
  out["problems"] = report.Count(Mark::kProblem);
  out["warnings"] = report.Count(Mark::kWarning);
  for (const Section& section : report.sections()) {
    nlohmann::ordered_json json = section.facts;
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    for (const Finding& finding : section.findings) {
      nlohmann::ordered_json f = nlohmann::ordered_json::object();
      f["mark"] = MarkName(finding.mark);
      f["text"] = finding.text;
      if (!finding.details.empty()) f["details"] = finding.details;
      if (!finding.fix.empty()) f["fix"] = finding.fix;
      if (finding.mark == Mark::kProblem) f["blocking"] = finding.blocking;
      findings.push_back(std::move(f));
    }
    json["findings"] = std::move(findings);
    out[section.key] = std::move(json);
  }
  return out;
}

namespace {

std::string Plural(int n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace

std::string RenderReportText(const DoctorReport& report) {
  std::string out;
  for (const Section& section : report.sections()) {
    out += section.title + "\n";
    for (const Finding& finding : section.findings) {
      out += "  " + std::string(MarkSymbol(finding.mark)) + " " + finding.text + "\n";
      for (const std::string& line : finding.details) out += "      " + line + "\n";
      if (!finding.fix.empty()) out += "    fix: " + finding.fix + "\n";
    }
  }
  int problems = report.Count(Mark::kProblem);
  int warnings = report.Count(Mark::kWarning);
  out += "\n";
  out += report.CanServeGpus() ? "This node can serve GPUs" : "This node cannot serve GPUs";
  out += " (" + Plural(problems, "problem") + ", " + Plural(warnings, "warning") + ").\n";
  return out;
}

}  // namespace gpulet::doctor
