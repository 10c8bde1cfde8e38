// RepeatFilter: the lines of a report that are new since the previous
// report, so that a condition found on every rescan (a MIG-enabled GPU
// with no MIG devices, a config warning) is logged once when it appears,
// not once per rescan. A line that goes away and comes back is new again.
//
// Example:
//   for (const std::string& line : warnings_.Fresh(sets.warnings)) {
//     spdlog::warn("{}", line);
//   }
//
// Thread-compatible: one reporter calls Fresh.
#ifndef GPULET_BASE_REPEAT_FILTER_H_
#define GPULET_BASE_REPEAT_FILTER_H_

#include <set>
#include <string>
#include <vector>

namespace gpulet {

class RepeatFilter {
 public:
  // The lines of `report` that the previous report did not hold, in
  // `report` order, each once; `report` then becomes the previous report.
  std::vector<std::string> Fresh(const std::vector<std::string>& report) {
    std::set<std::string> now(report.begin(), report.end());
    std::vector<std::string> fresh;
    std::set<std::string> told;
    for (const std::string& line : report) {
      if (!last_.contains(line) && told.insert(line).second) fresh.push_back(line);
    }
    last_ = std::move(now);
    return fresh;
  }

 private:
  std::set<std::string> last_;
};

}  // namespace gpulet

#endif  // GPULET_BASE_REPEAT_FILTER_H_
