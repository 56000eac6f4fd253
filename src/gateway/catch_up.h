#pragma once
// A subscribe that waits for its recovery ("since") before it is answered: the session holds
// the live frames of the request's channels meanwhile, then sends, in this order, the
// `subscribed` reply (with "recovered"), each channel's replayed events (or its snapshot),
// and the held live frames that come after them. The seam is cut by offset: a live frame at
// or below the last replayed (or snapshot, or "since") offset of its channel is a duplicate
// and is dropped, so nothing is missed or seen twice. Shard thread only.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/frame.h"
#include "gateway/shard_frame.h"
#include "protocol/position.h"

namespace odin::gateway {

struct catch_up_channel {
  std::string name;
  bool since = false;  // a "since" channel (recovered or not)
  protocol::stream_position pos;
  bool waiting = false;  // a bus fetch is under way
  bool recovered = false;
  int64_t after = -1;              // live frames at or below this offset are not sent
  std::vector<frame_ref> replay;   // recovered events, bus order
  std::string snapshot;            // the flagged latest event (wire bytes), if any
  std::vector<shard_frame*> live;  // held live frames (one holder each)
};

struct pending_subscribe {
  std::vector<std::string> names;  // the reply's channels
  std::string id_json;
  std::vector<catch_up_channel> channels;
  std::size_t waiting = 0;     // channels with a bus fetch under way
  std::size_t live_bytes = 0;  // held, counted against the client's queue bound
  std::chrono::steady_clock::time_point started;
};

}  // namespace odin::gateway
