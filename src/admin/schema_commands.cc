#include "admin/schema_commands.h"

#include <algorithm>

#include <fmt/format.h>

#include "admin/text_table.h"

namespace odin::admin {
namespace {

bool unreachable(const admin_error& e) {
  return e.code == admin_errc::timed_out || e.code == admin_errc::transport;
}

// Registers `s` and reads back its version. Returns the error that stops the run, if any.
std::optional<admin_error> register_one(registry_client& client, const schema_subject& s,
                                        bool subject_exists, subject_outcome& o) {
  auto id = client.register_schema(s);
  if (!id) {
    o.error = id.error().message;
    return unreachable(id.error()) ? std::optional(id.error()) : std::nullopt;
  }
  o.status = subject_exists ? subject_status::new_version : subject_status::registered;
  o.schema.id = id.value();
  auto after = client.lookup(s);  // the version number of what was just registered
  if (after && after.value().found) o.schema.version = after.value().found->version;
  return std::nullopt;
}

std::string result_text(const subject_outcome& o) {
  switch (o.status) {
    case subject_status::unchanged:
      return fmt::format("unchanged (version {}, id {})", o.schema.version, o.schema.id);
    case subject_status::registered:
      return fmt::format("registered (new subject, id {})", o.schema.id);
    case subject_status::new_version:
      return o.schema.version > 0
                 ? fmt::format("new version (id {}, version {})", o.schema.id, o.schema.version)
                 : fmt::format("new version (id {})", o.schema.id);
    case subject_status::would_register:
      return "would register (new subject)";
    case subject_status::would_add_version:
      return "would add a new version";
    case subject_status::failed:
      return "failed: " + o.error;
    case subject_status::skipped:
      return "skipped (registry unreachable)";
  }
  return "?";
}

}  // namespace

std::vector<subject_outcome> register_subjects(registry_client& client,
                                               const std::vector<schema_subject>& subjects,
                                               bool dry_run) {
  std::vector<subject_outcome> outcomes;
  bool stopped = false;
  for (const schema_subject& s : subjects) {
    subject_outcome& o = outcomes.emplace_back();
    o.subject = s.subject;
    if (stopped) {
      o.status = subject_status::skipped;
      continue;
    }
    if (s.schema.empty()) {
      o.error = s.source + " is missing from this build (schema/catalog.h)";
      continue;
    }
    auto found = client.lookup(s);
    if (!found) {
      o.error = found.error().message;
      stopped = unreachable(found.error());
      continue;
    }
    if (found.value().found) {
      o.status = subject_status::unchanged;
      o.schema = *found.value().found;
    } else if (dry_run) {
      o.status = found.value().subject_exists ? subject_status::would_add_version
                                              : subject_status::would_register;
    } else {
      stopped = register_one(client, s, found.value().subject_exists, o).has_value();
    }
  }
  return outcomes;
}

int run_schemas_register(registry_client& client, const std::vector<schema_subject>& subjects,
                         bool dry_run, std::ostream& out, std::ostream& err) {
  const std::vector<subject_outcome> outcomes = register_subjects(client, subjects, dry_run);
  text_table table({"SUBJECT", "TYPE", "RESULT"});
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    table.add({outcomes[i].subject, subjects[i].schema_type, result_text(outcomes[i])});
  }
  table.print(out);
  auto count = [&](subject_status a, subject_status b) {
    return std::count_if(outcomes.begin(), outcomes.end(),
                         [&](const subject_outcome& o) { return o.status == a || o.status == b; });
  };
  using enum subject_status;
  const auto failed_count = count(failed, skipped);
  out << fmt::format(
      "\n{} subjects at {}{}: {} unchanged, {} registered, {} new versions, {} would change, "
      "{} failed\n",
      outcomes.size(), client.url().text, dry_run ? " (dry run)" : "", count(unchanged, unchanged),
      count(registered, registered), count(new_version, new_version),
      count(would_register, would_add_version), failed_count);
  if (failed_count > 0) {
    for (const subject_outcome& o : outcomes) {
      if (o.status == subject_status::failed) {
        err << fmt::format("odin schemas register: {}: {}\n", o.subject, o.error);
      }
    }
  }
  return failed_count == 0 ? 0 : 1;
}

}  // namespace odin::admin
