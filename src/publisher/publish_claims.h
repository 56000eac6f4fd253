#pragma once
// The idempotency keys one POST /events claimed (its Idempotency-Key, its events' eventIds),
// carried with the request to its completion: then what became of it is remembered for the
// window — or forgotten when nothing of it was published, so that a retry under the same key
// publishes. Internal to src/publisher.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "model/topic_map.h"
#include "publisher/idempotency_store.h"
#include "publisher/publish_batch.h"

namespace odin::publisher {

struct publish_claims {
  std::shared_ptr<idempotency_store> store;
  std::string request_key;              // "r:<Idempotency-Key>"; empty: none claimed
  std::vector<std::string> event_keys;  // "e:<eventId>" per event; empty: none claimed

  // Nothing was published (refused before the bus): forget every claim.
  void release_all();
  // The batch has an outcome for every event (runs on the bus's thread): the request key
  // remembers the final answer if any event was published (else it is forgotten); each
  // eventId remembers its event's outcome if published (else it is forgotten).
  void settle(const model::topic_map& topics, const publish_batch& batch,
              std::chrono::milliseconds ack_timeout);
};

}  // namespace odin::publisher
