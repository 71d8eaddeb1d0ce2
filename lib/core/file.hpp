#pragma once
// Writing a whole file so that a reader (a person, a textfile collector, a browser) sees either
// the old content or the new, never half: a temporary file beside it (".<name>.tmp-<pid>", which
// a textfile collector reading *.prom skips), fsync, rename over the target, fsync of the folder.
// Used for what a command hands a person or a collector: reports, plans, metrics.
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace mlc {

// The file is given `mode` exactly (the umask does not cut it: under systemd's UMask=0077 a
// metrics file must still be readable by the collector). On failure the temporary file is
// removed, the target is left as it was, and the error says which step failed and why.
std::expected<void, std::string> try_write_file_atomically(const std::filesystem::path& path,
                                                           std::string_view content,
                                                           unsigned mode = 0644);

// The same; throws UsageError("cannot write <path>: <step>: <reason>").
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

} // namespace mlc
