#pragma once
// A stable content fingerprint of a record: what a pass compares with links.fingerprint to skip
// unchanged records and suppress echoes, and what the audit trail stores as before/after.
//
// Canonical form: the fields sorted by (key, value), each written as `key=value\n`, where in
// both key and value a backslash becomes `\\`, `=` becomes `\=` and a newline becomes `\n`.
// Escaping makes the text unambiguous (("a=b","c") and ("a","b=c") differ), and sorting makes
// it independent of the order the caller lists the fields in. The fingerprint is the lowercase
// SHA-256 hex of that text. Changing this form changes every stored fingerprint (a full
// resend), so it is frozen.
//
// It lives in auth/ beside sha256.hpp, whose digest comes from libsodium (auth/ is that
// library's one home), because core/ must not depend on auth/.
#include <string>
#include <utility>
#include <vector>

namespace mlc {

// The canonical text described above (exposed for tests and debugging).
std::string canonical_fields(std::vector<std::pair<std::string, std::string>> fields);

// sha256 hex (64 chars) of canonical_fields(fields).
std::string fingerprint(const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace mlc
