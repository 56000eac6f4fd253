#pragma once
// What `odin schemas register` does: for each subject, look it up; register it when the
// registry does not have this schema under it (unless dry_run). Prints one line per subject:
// unchanged (version N) / registered (new subject, id) / new version (id, version) /
// failed: the registry's error_code and message. Returns the exit code: 0 when every subject
// holds its schema (or, with dry_run, every lookup answered), 1 otherwise.
#include <ostream>
#include <vector>

#include "admin/registry_client.h"
#include "admin/schema_subjects.h"

namespace odin::admin {

enum class subject_status {
  unchanged,
  registered,   // new subject
  new_version,  // the subject existed with other schemas
  would_register,
  would_add_version,
  failed,
  skipped,  // not attempted after the registry became unreachable
};

struct subject_outcome {
  std::string subject;
  subject_status status = subject_status::failed;
  registered_schema schema;  // id and version where known
  std::string error;
};

// One outcome per subject, in order. Stops contacting the registry after a transport error or
// timeout (the rest are `skipped`); a registry error on one subject does not stop the others.
std::vector<subject_outcome> register_subjects(registry_client& client,
                                               const std::vector<schema_subject>& subjects,
                                               bool dry_run);

int run_schemas_register(registry_client& client, const std::vector<schema_subject>& subjects,
                         bool dry_run, std::ostream& out, std::ostream& err);

}  // namespace odin::admin
