#pragma once
// Renders audit rows for people and scripts: an aligned text table (long messages cut), a JSON
// array (the --json style: one object per row, every column, nulls as null) and RFC 4180 CSV
// (header row, CRLF, quoting of commas, quotes and line breaks). Output is always valid UTF-8:
// bytes that are not (a remote body quoted in a message may be anything) become U+FFFD.
#include "store/audit_log.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::admin {

enum class Format { table, json, csv };

// "table", "json", "csv"; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);

// Columns: id, at, run, action, kind, oracle key, procore key, status, message (first
// k_table_message_width characters, line breaks shown as spaces). NULL shows as "-".
inline constexpr std::size_t k_table_message_width = 60;
std::string render_table(const std::vector<store::AuditEntry>& rows);
// `[` newline, one object per line, `]` newline; an empty list is "[]\n".
std::string render_json(const std::vector<store::AuditEntry>& rows);
// Header row then one row per entry, all columns; NULL is an empty field.
std::string render_csv(const std::vector<store::AuditEntry>& rows);

std::string render(const std::vector<store::AuditEntry>& rows, Format format);

// Exposed for tests: the JSON string literal for `text` (with quotes), and one CSV field.
std::string json_string(std::string_view text);
std::string csv_field(std::string_view text);

} // namespace mlc::admin
