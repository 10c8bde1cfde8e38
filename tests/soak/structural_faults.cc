#include "structural_faults.h"

#include <signal.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gpulet::soak {
namespace {

constexpr auto kRegisterDeadline = std::chrono::seconds(1);
constexpr auto kConfigDeadline = std::chrono::seconds(10);
// The agent's requests time out after 10 s; the slow API fault lasts
// longer than that, and the watch then backs off.
constexpr auto kApiDeadline = std::chrono::seconds(30);
constexpr char kNodesPath[] = "/api/v1/nodes";

void Check(absl::Status status) {
  if (!status.ok()) {
    std::fprintf(stderr, "soak: fault injection failed: %s\n", status.ToString().c_str());
    std::abort();
  }
}

}  // namespace

StructuralFaults::StructuralFaults(SoakRig& rig, SoakReport& report, uint64_t seed)
    : FaultDriver(rig, report, seed), selected_(kConfigA),
      replicas_{{kConfigA, 2}, {kConfigB, 3}} {}

void StructuralFaults::InjectOne() {
  switch (Uniform(0, 11)) {
    case 0: case 1: RestartKubelet(); break;
    case 2: Relayout(); break;
    case 3: GarbageBySighup(); break;
    case 4: GarbageByLabel(); break;
    case 5: FeaturesFault("features.d read-only", &FeaturesDir::SetReadOnly); break;
    case 6: FeaturesFault("features.d full", &FeaturesDir::SetFull); break;
    default: ApiFault(Uniform(0, 3)); break;
  }
}

int StructuralFaults::SwitchConfig() {
  std::string next = selected_ == kConfigA ? kConfigB : kConfigA;
  int want = replicas_[selected_] == 2 ? 3 : 2;
  if (replicas_[next] != want) {
    Check(rig_.WriteConfig(next, SharingConfig(want)));
    replicas_[next] = want;
  }
  selected_ = next;
  Check(rig_.LabelNode(next));
  return want;
}

void StructuralFaults::ExpectConfig(const std::string& fault, int replicas,
                                    Clock::time_point since, std::chrono::milliseconds timeout) {
  std::optional<std::chrono::milliseconds> took =
      WaitFor([&] { return rig_.checker().ConfigApplied(replicas); }, since, timeout);
  if (!took.has_value()) {
    rig_.checker().Violate(kConfigNotApplied,
                           absl::StrCat("after ", fault, ": ", replicas, " replicas not served"));
  }
  report_.Record(fault, took.has_value(), took);
}

std::string StructuralFaults::Garbage() {
  static const char* const kGarbage[] = {
      "version: v1\nsharing: [\n",                        // not YAML
      "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
      "      - name: nvidia.com/gpu\n        replicas: -1\n",  // invalid value
      "version: v2\n",                                    // unknown version
      "\x7f" "ELF\x02\x01\x01\x00 not a config\n",         // binary junk
      "version: v1\nflags:\n  migStrategy: sometimes\n",  // unknown enum
  };
  return kGarbage[garbage_++ % std::size(kGarbage)];
}

void StructuralFaults::RestartKubelet() {
  std::set<std::string> resources = rig_.checker().Resources();
  size_t before = rig_.kubelet().Registrations().size();
  Check(rig_.kubelet().Restart());
  Clock::time_point start = Clock::now();
  auto all_registered = [&] {
    std::vector<v1beta1::RegisterRequest> all = rig_.kubelet().Registrations();
    std::set<std::string> again;
    for (size_t i = before; i < all.size(); ++i) again.insert(all[i].resource_name());
    return std::includes(again.begin(), again.end(), resources.begin(), resources.end());
  };
  std::optional<std::chrono::milliseconds> took = WaitFor(all_registered, start,
                                                          kRegisterDeadline);
  if (!took.has_value()) {
    took = WaitFor(all_registered, start, std::chrono::seconds(10));
    rig_.checker().Violate(
        kRegisterLate, absl::StrCat(absl::StrJoin(resources, ","), " re-registered after ",
                                    took.has_value() ? absl::StrCat(took->count(), " ms")
                                                     : "more than 10 s"));
    report_.Record("kubelet restart", false, std::nullopt);
    return;
  }
  report_.Record("kubelet restart", true, took);
}

void StructuralFaults::Relayout() {
  layout_ = 1 - layout_;
  const Layout& layout = rig_.layouts()[layout_];
  Check(rig_.WriteProfile(layout));
  rig_.checker().SetLayout(layout);
  Clock::time_point start = Clock::now();
  rig_.Control("reload");
  std::optional<std::chrono::milliseconds> took =
      WaitFor([&] { return rig_.checker().LayoutApplied(); }, start,
              rig_.options().rescan_interval + std::chrono::seconds(5));
  if (!took.has_value()) {
    rig_.checker().Violate(kLayoutNotApplied, absl::StrCat("layout ", layout_));
  }
  report_.Record("MIG re-layout", took.has_value(), took);
}

void StructuralFaults::GarbageBySighup() {
  // The running config's own file turns to garbage and is reloaded: the
  // agent must keep what it runs (the checker watches for that).
  Check(rig_.WriteConfig(selected_, Garbage()));
  Check(rig_.SignalAgent(SIGHUP));
  Sleep(std::chrono::milliseconds(Uniform(500, 2000)));
  int want = replicas_[selected_] == 2 ? 3 : 2;
  replicas_[selected_] = want;
  Check(rig_.WriteConfig(selected_, SharingConfig(want)));
  Clock::time_point fixed = Clock::now();
  Check(rig_.SignalAgent(SIGHUP));
  ExpectConfig("config garbage, SIGHUP", want, fixed, kConfigDeadline);
}

void StructuralFaults::GarbageByLabel() {
  // A garbage file or a name the ConfigMap lacks.
  bool missing = Uniform(0, 1) == 0;
  if (!missing) Check(rig_.WriteConfig(kConfigGarbage, Garbage()));
  Check(rig_.LabelNode(missing ? "no-such-config" : kConfigGarbage));
  Sleep(std::chrono::milliseconds(Uniform(500, 2000)));
  Clock::time_point fixed = Clock::now();
  int want = SwitchConfig();
  ExpectConfig("config garbage, node label", want, fixed, kConfigDeadline);
}

void StructuralFaults::FeaturesFault(const std::string& fault,
                                     absl::Status (FeaturesDir::*set)(bool)) {
  Check((rig_.features().*set)(true));
  // A new config makes the labels change, so a write must fail.
  int want = SwitchConfig();
  Sleep(std::chrono::milliseconds(Uniform(1000, 3000)));
  Check((rig_.features().*set)(false));
  ExpectConfig(fault, want, Clock::now(), kConfigDeadline);
}

void StructuralFaults::ApiFault(int kind) {
  kube::testing::FakeApiServer& api = rig_.api();
  std::string name;
  switch (kind) {
    case 0:
      name = "API 500";
      api.FailNextRequests("GET", kNodesPath, Uniform(1, 5), 500);
      break;
    case 1:
      name = "API 410 Gone on watch";
      api.CompactHistory();
      break;
    case 2:
      name = "API timeout";
      api.SetLatency(absl::Seconds(11));
      break;
    default:
      name = "API dropped connection";
      break;
  }
  // Every kind starts with the watch cut, so the agent's next request meets
  // the fault.
  api.DropWatches();
  Clock::time_point start = Clock::now();
  int want = SwitchConfig();
  if (kind == 2) {
    Sleep(std::chrono::milliseconds(Uniform(2000, 4000)));
    api.SetLatency(absl::ZeroDuration());
  }
  ExpectConfig(name, want, start, kApiDeadline);
}

}  // namespace gpulet::soak
