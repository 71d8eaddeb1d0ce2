#pragma once
// Writing a whole file so that a reader (a person, a textfile collector, a browser) sees either
// the old content or the new, never half: a temporary file beside it, fsync, rename over the
// target, fsync of the folder. Used for what a command hands a person: reports, plans, metrics.
#include <filesystem>
#include <string_view>

namespace mlc {

// Throws UsageError("cannot write <path>: <reason>") when any step fails; the temporary file is
// removed then, and the target is left as it was.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

} // namespace mlc
