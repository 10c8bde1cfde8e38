#include "extender/group_book.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gpulet::extender {
namespace {

// How often a member waiting at the barrier looks at the clock: the
// deadline may come from a test's fake clock that signals nothing.
constexpr auto kPoll = std::chrono::milliseconds(20);

}  // namespace

const char* GroupStageName(GroupBook::Stage stage) {
  switch (stage) {
    case GroupBook::Stage::kIdle: return "idle";
    case GroupBook::Stage::kPlanning: return "planning";
    case GroupBook::Stage::kPlanned: return "planned";
    case GroupBook::Stage::kReleased: return "released";
    case GroupBook::Stage::kBackingOff: return "backing-off";
  }
  return "unknown";
}

void GroupBook::NoteLocked(Group& group, gang::GroupState state,
                           std::string reason, std::string message) {
  if (group.note.state == state && group.note.reason == reason &&
      group.note.message == message) {
    return;
  }
  group.note.state = state;
  group.note.reason = std::move(reason);
  group.note.message = std::move(message);
  ++group.note.changes;
}

void GroupBook::BackOffLocked(Group& group, Clock::time_point now) {
  ++group.failures;
  Clock::duration wait = options_.backoff_initial;
  for (int i = 1; i < group.failures && wait < options_.backoff_max; ++i) {
    wait *= 2;
  }
  group.backoff_until = now + std::min(wait, options_.backoff_max);
  group.stage = Stage::kBackingOff;
}

GroupBook::Standing GroupBook::ForFilter(const gang::GroupKey& key,
                                         const std::string& uid,
                                         Clock::time_point now, bool claim) {
  std::lock_guard<std::mutex> lock(mu_);
  Group& group = groups_[key];
  group.asked = now;
  if (group.stage == Stage::kBackingOff && now >= group.backoff_until) {
    group.stage = Stage::kIdle;
  }
  Standing standing;
  standing.stage = group.stage;
  standing.reason = group.note.reason;
  standing.message = group.note.message;
  switch (group.stage) {
    case Stage::kIdle:
      if (claim) group.stage = Stage::kPlanning;
      break;
    case Stage::kPlanned:
    case Stage::kReleased: {
      standing.plan = group.plan.id;
      standing.until = group.plan.deadline;
      auto member = group.plan.members.find(uid);
      if (member != group.plan.members.end()) standing.node = member->second;
      break;
    }
    case Stage::kBackingOff:
      standing.until = group.backoff_until;
      break;
    case Stage::kPlanning:
      break;
  }
  return standing;
}

uint64_t GroupBook::Planned(const gang::GroupKey& key,
                            std::map<std::string, int> members,
                            Clock::time_point deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  Group& group = groups_[key];
  group.stage = Stage::kPlanned;
  group.plan = Plan{next_plan_++, std::move(members), {}, deadline};
  open_members_ += static_cast<int>(group.plan.members.size());
  NoteLocked(group, gang::GroupState::kScheduling, "",
             absl::StrCat(group.plan.members.size(),
                          " members placed; waiting for all to bind"));
  return group.plan.id;
}

void GroupBook::PlanFailed(const gang::GroupKey& key, const std::string& reason,
                           const std::string& message, bool capacity,
                           Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  Group& group = groups_[key];
  group.capacity_only = capacity;
  BackOffLocked(group, now);
  NoteLocked(group, gang::GroupState::kWaiting, reason, message);
}

void GroupBook::Waiting(const gang::GroupKey& key, const std::string& reason,
                        const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  Group& group = groups_[key];
  if (group.stage == Stage::kPlanning) group.stage = Stage::kIdle;
  NoteLocked(group, gang::GroupState::kWaiting, reason, message);
}

GroupBook::Arrival GroupBook::Arrive(const gang::GroupKey& key, uint64_t plan,
                                     const std::string& uid, const Now& now,
                                     std::string& why) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    auto it = groups_.find(key);
    if (it == groups_.end() || it->second.plan.id != plan ||
        (it->second.stage != Stage::kPlanned &&
         it->second.stage != Stage::kReleased)) {
      why = it == groups_.end() || it->second.note.message.empty()
                ? "the group's plan was given up"
                : absl::StrCat("the group's plan was given up: ",
                               it->second.note.message);
      return Arrival::kFailed;
    }
    Group& group = it->second;
    if (group.stage == Stage::kReleased) return Arrival::kGo;
    if (!group.plan.members.contains(uid)) {
      why = "the pod is not a member of the group's plan";
      return Arrival::kFailed;
    }
    // Before counting this member: members that waited until the deadline
    // have given up and released their grants, so a late arrival must not
    // complete the plan and go alone.
    if (now() >= group.plan.deadline) {
      why = absl::StrCat("only ", group.plan.arrived.size(), " of ",
                         group.plan.members.size(),
                         " planned members reached bind before the timeout");
      return Arrival::kFailed;
    }
    group.plan.arrived.insert(uid);
    if (group.plan.arrived.size() == group.plan.members.size()) {
      group.stage = Stage::kReleased;
      group.failures = 0;
      open_members_ -= static_cast<int>(group.plan.members.size());
      NoteLocked(group, gang::GroupState::kRunning, "", "");
      changed_.notify_all();
      return Arrival::kGo;
    }
    changed_.wait_for(lock, kPoll);
  }
}

std::vector<std::string> GroupBook::Fail(const gang::GroupKey& key,
                                         uint64_t plan,
                                         const std::string& reason,
                                         const std::string& message,
                                         Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(key);
  if (it == groups_.end() || it->second.stage != Stage::kPlanned ||
      (plan != 0 && it->second.plan.id != plan)) {
    return {};
  }
  Group& group = it->second;
  std::vector<std::string> uids;
  for (const auto& [uid, node] : group.plan.members) uids.push_back(uid);
  open_members_ -= static_cast<int>(group.plan.members.size());
  group.capacity_only = false;
  BackOffLocked(group, now);
  NoteLocked(group, gang::GroupState::kWaiting, reason, message);
  changed_.notify_all();
  return uids;
}

std::vector<std::pair<gang::GroupKey, std::vector<std::string>>>
GroupBook::Expire(Clock::time_point now) {
  std::vector<std::pair<gang::GroupKey, std::vector<std::string>>> failed;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& group = it->second;
    if (group.stage == Stage::kPlanned && now >= group.plan.deadline) {
      std::vector<std::string> uids;
      std::vector<std::string> missing;
      for (const auto& [uid, node] : group.plan.members) {
        uids.push_back(uid);
        if (!group.plan.arrived.contains(uid)) missing.push_back(uid);
      }
      open_members_ -= static_cast<int>(group.plan.members.size());
      group.capacity_only = false;
      BackOffLocked(group, now);
      NoteLocked(group, gang::GroupState::kWaiting, "NotEnoughPods",
                 absl::StrCat("group ", it->first.ToString(), ": ",
                              missing.size(), " of ", uids.size(),
                              " planned members never reached bind before "
                              "the timeout (kube-scheduler's own filters may "
                              "exclude them); nothing was bound"));
      failed.emplace_back(it->first, std::move(uids));
    } else if (group.stage == Stage::kReleased &&
               now >= group.plan.deadline + options_.keep_released) {
      group.stage = Stage::kIdle;
    } else if ((group.stage == Stage::kIdle ||
                (group.stage == Stage::kBackingOff &&
                 now >= group.backoff_until)) &&
               now - group.asked >= options_.forget_idle) {
      it = groups_.erase(it);
      continue;
    }
    ++it;
  }
  if (!failed.empty()) changed_.notify_all();
  return failed;
}

void GroupBook::CapacityFreed() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, group] : groups_) {
    if (group.stage == Stage::kBackingOff && group.capacity_only) {
      group.stage = Stage::kIdle;
    }
  }
}

int GroupBook::open_members() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_members_;
}

std::map<gang::GroupKey, GroupBook::Note> GroupBook::Notes() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<gang::GroupKey, Note> notes;
  for (const auto& [key, group] : groups_) notes[key] = group.note;
  return notes;
}

}  // namespace gpulet::extender
