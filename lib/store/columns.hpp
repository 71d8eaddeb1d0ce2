#pragma once
// Store-internal: nullable text columns in and out of SQLiteCpp statements, shared by the table
// helpers. Only lib/store/*.cpp include this header, since it brings in SQLiteCpp.
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>

namespace mlc::store {

// A TEXT column that may be NULL.
inline std::optional<std::string> optional_text(const SQLite::Column& c)
{
    if (c.isNull()) {
        return std::nullopt;
    }
    return c.getString();
}

// Binds the text, or NULL when there is none.
inline void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& v)
{
    if (v) {
        st.bind(index, *v);
    } else {
        st.bind(index);
    }
}

} // namespace mlc::store
