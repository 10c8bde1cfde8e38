// GroupBook: where each pod group stands in gang scheduling, and the
// barrier its members' /bind calls wait at.
//
// A group moves through these stages:
//   idle       nothing held; the next member's /filter may plan it;
//   planning   one /filter is placing the group (others are told to wait);
//   planned    the capacity of minMember members is held in the ledger
//              (their grants name the plan), and members arriving at
//              /bind wait for the rest;
//   released   every planned member reached /bind: their binds go ahead.
//              Kept until the watch shows the members bound;
//   backing off after the group could not complete: nothing is held and no
//              member is planned again until the back-off ends (doubling
//              from `backoff_initial` up to `backoff_max`; a group that
//              failed only for want of capacity is tried again as soon as
//              capacity is freed).
// A plan not released by its deadline fails: the sweeper (Expire) hands
// back its members' grants, and members waiting at the barrier return an
// error, so no member of an incomplete group is ever bound by gpulet.
//
// Each group also keeps the last reason it waited, for the PodGroup status
// and Events.
//
// Thread-safe; Arrive blocks its caller (a /bind) until the barrier opens,
// fails or the plan's deadline passes.
#ifndef GPULET_EXTENDER_GROUP_BOOK_H_
#define GPULET_EXTENDER_GROUP_BOOK_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "gang/group_key.h"
#include "gang/group_status.h"

namespace gpulet::extender {

class GroupBook {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  struct Options {
    Clock::duration backoff_initial = std::chrono::seconds(2);
    Clock::duration backoff_max = std::chrono::minutes(5);
    // Released plans are forgotten this long after their deadline.
    Clock::duration keep_released = std::chrono::minutes(1);
    // An idle group no member asked about for this long is forgotten.
    Clock::duration forget_idle = std::chrono::hours(1);
  };

  enum class Stage { kIdle, kPlanning, kPlanned, kReleased, kBackingOff };

  // Where a group stands for one member's /filter.
  struct Standing {
    Stage stage = Stage::kIdle;
    uint64_t plan = 0;          // kPlanned, kReleased
    int node = -1;              // this member's planned node, -1 if none
    Clock::time_point until{};  // deadline (kPlanned) or back-off end
    std::string reason;         // last reason the group waited
    std::string message;
  };

  // What the status writer needs of one group.
  struct Note {
    gang::GroupState state = gang::GroupState::kWaiting;
    std::string reason;
    std::string message;
    uint64_t changes = 0;  // bumped whenever state, reason or message change
  };

  explicit GroupBook(Options options) : options_(options) {}

  // The group's standing for member `uid` at `now` (kIdle: nothing held and
  // not backing off). With `claim`, an idle group (or one whose back-off
  // ended) becomes kPlanning for this caller, who must then call Planned,
  // PlanFailed or Waiting: with `claim` the answer is kIdle exactly when
  // the claim was taken.
  Standing ForFilter(const gang::GroupKey& key, const std::string& uid,
                     Clock::time_point now, bool claim);

  // The claimed group now holds `members` (UID -> ledger node index) until
  // `deadline`. Returns the plan's id.
  uint64_t Planned(const gang::GroupKey& key,
                   std::map<std::string, int> members,
                   Clock::time_point deadline);
  // The claimed group could not be placed: it backs off. `capacity`: only
  // for want of free GPUs (tried again once capacity is freed).
  void PlanFailed(const gang::GroupKey& key, const std::string& reason,
                  const std::string& message, bool capacity,
                  Clock::time_point now);
  // The claimed (or idle) group waits for something that is not its fault
  // (members not created yet, its queue over its share): back to idle with
  // the reason noted, no back-off.
  void Waiting(const gang::GroupKey& key, const std::string& reason,
               const std::string& message);

  enum class Arrival { kGo, kFailed };
  // Member `uid` of plan `plan` reached /bind: waits until every planned
  // member has (kGo), or the plan fails or passes its deadline (kFailed,
  // `why` says which). `now` is polled, so tests may drive a fake clock.
  Arrival Arrive(const gang::GroupKey& key, uint64_t plan,
                 const std::string& uid, const Now& now, std::string& why);

  // Fails the group's plan `plan` (0: whichever is planned) and backs the
  // group off. Returns the planned members' UIDs, whose grants the caller
  // releases; empty when there was no such plan.
  std::vector<std::string> Fail(const gang::GroupKey& key, uint64_t plan,
                                const std::string& reason,
                                const std::string& message,
                                Clock::time_point now);

  // Fails every plan past its deadline at `now` (as Fail), and forgets old
  // released plans. Returns the failed plans' members by group.
  std::vector<std::pair<gang::GroupKey, std::vector<std::string>>> Expire(
      Clock::time_point now);

  // GPUs were freed: groups backing off only for want of capacity may plan
  // again at once.
  void CapacityFreed();

  // Members planned in open (planned, not yet released) plans: each may
  // hold a /bind thread at the barrier.
  int open_members() const;

  std::map<gang::GroupKey, Note> Notes() const;

 private:
  struct Plan {
    uint64_t id = 0;
    std::map<std::string, int> members;
    std::set<std::string> arrived;
    Clock::time_point deadline;
  };
  struct Group {
    Stage stage = Stage::kIdle;
    Plan plan;
    int failures = 0;
    bool capacity_only = false;
    Clock::time_point backoff_until{};
    Clock::time_point asked{};  // the latest ForFilter
    Note note;
  };

  void NoteLocked(Group& group, gang::GroupState state, std::string reason,
                  std::string message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void BackOffLocked(Group& group, Clock::time_point now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<gang::GroupKey, Group> groups_ ABSL_GUARDED_BY(mu_);
  uint64_t next_plan_ ABSL_GUARDED_BY(mu_) = 1;
  int open_members_ ABSL_GUARDED_BY(mu_) = 0;
};

const char* GroupStageName(GroupBook::Stage stage);

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_GROUP_BOOK_H_
