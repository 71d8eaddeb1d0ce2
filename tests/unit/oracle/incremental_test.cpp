// The shared incremental read: the compound-cursor q expression for any collection key, and
// the by-id expression the due-date re-read uses.
#include "oracle/account_combinations.hpp"
#include "oracle/incremental.hpp"

#include <catch2/catch.hpp>

using namespace mlc::oracle;

TEST_CASE("incremental_query names the collection's own tie-breaker", "[oracle][incremental]")
{
    const IncrementalCursor cursor{.since = "2026-01-01T00:00:00.000+00:00",
                                   .after_time = "2026-01-01T00:05:00.000+00:00",
                                   .after_key = "300000012345004"};
    CHECK(incremental_query(cursor, "SupplierId")
          == "LastUpdateDate>='2026-01-01T00:00:00.000+00:00' and "
             "(LastUpdateDate!='2026-01-01T00:05:00.000+00:00' or SupplierId>300000012345004)");
    // GL combinations use the same cursor: records sharing the watermark's stamp are read only
    // past its id (before, every rerun re-read the whole last cluster).
    CHECK(account_query(cursor)
          == "LastUpdateDate>='2026-01-01T00:00:00.000+00:00' and "
             "(LastUpdateDate!='2026-01-01T00:05:00.000+00:00' or "
             "_CODE_COMBINATION_ID>300000012345004)");
    CHECK(account_query(IncrementalCursor{}).empty()); // a full read has no q at all
    CHECK(account_query(
              IncrementalCursor{.since = "2026-01-01T00:00:00Z", .after_time = {}, .after_key = {}})
          == "LastUpdateDate>='2026-01-01T00:00:00Z'");
    // Bad input: a key that is not a number never reaches the expression.
    CHECK(account_query(IncrementalCursor{.since = "2026-01-01T00:00:00Z",
                                          .after_time = "2026-01-01T00:00:00Z",
                                          .after_key = "5) or (1=1"})
          == "LastUpdateDate>='2026-01-01T00:00:00Z'");
}

TEST_CASE("ids_query reads a handful of records by id", "[oracle][incremental]")
{
    CHECK(ids_query("SupplierId", {}).empty());
    CHECK(ids_query("SupplierId", {7}) == "SupplierId=7");
    CHECK(ids_query("SupplierId", {7, 300000047507499})
          == "SupplierId=7 or SupplierId=300000047507499");
}
