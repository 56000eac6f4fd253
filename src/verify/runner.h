#pragma once
// One verification run: look the topic up, assign an independent consumer at the end offsets,
// prime every partition (one record each, round trip awaited: connections are up before the
// clock starts), produce for the duration/count at the rate, wait up to `drain` for the last
// records, and return everything measured. Errors (no broker answer, no topic, a partition
// without leader) are values; judging is report.h's.
//
// Threads: the caller's (producer, progress callbacks) and the consumer's own.
#include "bus/kafka_options.h"
#include "verify/options.h"
#include "verify/report.h"
#include "verify/verify_error.h"

namespace odin::verify {

verify_result<run_result> run_verify(const bus::kafka_options& kafka, const options& o);

// 16 random hex digits: the odin-verify-run header value of one run.
std::string new_run_id();

}  // namespace odin::verify
