#include "publisher/publish_claims.h"

#include <algorithm>

#include "publisher/replies.h"

namespace odin::publisher {

void publish_claims::release_all() {
  if (!request_key.empty()) store->release(request_key);
  for (const std::string& k : event_keys) {
    if (!k.empty()) store->release(k);
  }
  request_key.clear();
  event_keys.clear();
}

void publish_claims::settle(const model::topic_map& topics, const publish_batch& batch,
                            std::chrono::milliseconds ack_timeout) {
  const std::vector<record_outcome> outcomes = batch.outcomes();
  const auto published = [](const record_outcome& o) {
    return o.st == record_outcome::state::published;
  };
  if (!request_key.empty()) {
    if (std::any_of(outcomes.begin(), outcomes.end(), published)) {
      answer a = publish_answer(topics, batch.types(), outcomes, false, ack_timeout);
      store->complete(request_key, {a.status, std::move(a.body), {}});
    } else {
      store->release(request_key);
    }
  }
  for (std::size_t i = 0; i < event_keys.size() && i < outcomes.size(); ++i) {
    if (event_keys[i].empty()) continue;
    if (published(outcomes[i])) {
      store->complete(event_keys[i], {0, {}, outcomes[i]});
    } else {
      store->release(event_keys[i]);
    }
  }
}

}  // namespace odin::publisher
