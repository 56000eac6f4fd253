#include "gateway/recovery_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/thread_name.h"
#include "model/channel.h"

namespace odin::gateway {

recovery_worker::recovery_worker(bus::replayer& replayer, std::size_t max_events,
                                 std::chrono::milliseconds timeout)
    : replayer_(replayer), max_events_(max_events), timeout_(timeout) {}

void recovery_worker::start() {
  thread_ = std::thread([this] {
    name_this_thread("odin-recovery");
    run();
  });
}

void recovery_worker::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (recovery_job& job : pending_) job.done({});
  pending_.clear();
}

void recovery_worker::submit(recovery_job job) {
  {
    std::lock_guard lock(mutex_);
    if (!stop_) {
      pending_.push_back(std::move(job));
      job.done = nullptr;
    }
  }
  if (job.done) return job.done({});  // stopped: not recovered
  cv_.notify_one();
}

void recovery_worker::run() {
  std::vector<recovery_job> jobs;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
      if (stop_) return;
      jobs.swap(pending_);
    }
    serve_all_latest(jobs);
    // Group by partition: one fetch per (kind, partition), whatever the number of clients.
    std::stable_sort(jobs.begin(), jobs.end(), [](const recovery_job& a, const recovery_job& b) {
      return std::pair(model::index(a.pos.kind), a.pos.partition) <
             std::pair(model::index(b.pos.kind), b.pos.partition);
    });
    std::vector<recovery_job> group;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      group.push_back(std::move(jobs[i]));
      const bool last = i + 1 == jobs.size() || jobs[i + 1].pos.kind != group.back().pos.kind ||
                        jobs[i + 1].pos.partition != group.back().pos.partition;
      if (last) {
        serve(group);
        group.clear();
      }
    }
    jobs.clear();
  }
}

void recovery_worker::serve(std::vector<recovery_job>& group) {
  std::vector<bus::replay_query> queries;
  queries.reserve(group.size());
  for (const recovery_job& job : group) queries.push_back({job.token, job.pos.offset});
  fetches_.fetch_add(1, std::memory_order_relaxed);
  auto answers = replayer_.fetch(group.front().pos.kind, group.front().pos.partition, queries,
                                 max_events_, std::chrono::steady_clock::now() + timeout_);
  for (std::size_t i = 0; i < group.size(); ++i) group[i].done(answer(group[i], answers[i]));
}

void recovery_worker::serve_all_latest(std::vector<recovery_job>& jobs) {
  const auto latest_end = std::stable_partition(jobs.begin(), jobs.end(),
                                                [](const recovery_job& j) { return j.latest; });
  std::vector<recovery_job> latest(std::make_move_iterator(jobs.begin()),
                                   std::make_move_iterator(latest_end));
  jobs.erase(jobs.begin(), latest_end);
  for (const model::kind k : model::all_kinds) {
    std::vector<recovery_job> group;
    for (recovery_job& j : latest) {
      if (j.pos.kind == k) group.push_back(std::move(j));
    }
    if (!group.empty()) serve_latest(group);
  }
}

void recovery_worker::serve_latest(std::vector<recovery_job>& group) {
  const model::kind kind = group.front().pos.kind;
  std::vector<std::string> keys;
  keys.reserve(group.size());
  for (const recovery_job& job : group) keys.push_back(job.token);
  const bus::record_accept accept = [this](const bus::record& r) {
    return !filter_.check_event(r).has_value();
  };
  fetches_.fetch_add(1, std::memory_order_relaxed);
  auto answers = replayer_.latest(kind, keys, accept, max_events_,
                                  std::chrono::steady_clock::now() + timeout_);
  for (std::size_t i = 0; i < group.size(); ++i) {
    bus::latest_answer& a = answers[i];
    recovery_result out;
    out.status = a.status;
    out.recovered = a.status == bus::replay_status::ok;
    if (a.record) {
      const bus::replayed_record& r = *a.record;
      const protocol::stream_position pos{kind, a.partition, r.offset,
                                          protocol::record_check(r.key, r.timestamp_ms, r.value)};
      out.frames.emplace_back(
          render_event({group[i].token, kind, 0, r.ingest_us, r.value, {}, pos, {}}, 1));
    }
    group[i].done(std::move(out));
  }
}

// The record at the client's position must be there and be the one it saw (the epoch check);
// then every later record of the channel, as the dispatcher would have rendered it.
recovery_result recovery_worker::answer(const recovery_job& job, bus::replay_answer& a) {
  recovery_result out;
  out.status = a.status;
  if (a.status != bus::replay_status::ok) return out;
  const auto& records = a.records;
  if (records.empty() || records.front().offset != job.pos.offset ||
      protocol::record_check(records.front().key, records.front().timestamp_ms,
                             records.front().value) != job.pos.check) {
    out.status = bus::replay_status::out_of_range;  // another record there: another epoch
    return out;
  }
  for (std::size_t i = 1; i < records.size(); ++i) {
    const bus::replayed_record& r = records[i];
    const bus::record as_read{
        job.pos.kind, job.pos.partition, r.offset, r.timestamp_ms, r.ingest_us, r.key, r.value};
    if (filter_.check_event(as_read)) continue;  // the dispatcher dropped it too
    const protocol::stream_position pos{job.pos.kind, job.pos.partition, r.offset,
                                        protocol::record_check(r.key, r.timestamp_ms, r.value)};
    out.frames.emplace_back(render_event(
        {job.token, job.pos.kind, 0, r.ingest_us, r.value, filter_.owner(), pos, {}}, 1));
  }
  out.recovered = true;
  return out;
}

}  // namespace odin::gateway
