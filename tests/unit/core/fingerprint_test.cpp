#include "core/fingerprint.hpp"

#include <catch2/catch.hpp>

using Fields = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("fingerprint is independent of field order", "[core][fingerprint]")
{
    const Fields a{{"name", "Acme"}, {"city", "Austin"}, {"active", "true"}};
    const Fields b{{"active", "true"}, {"name", "Acme"}, {"city", "Austin"}};
    CHECK(mlc::fingerprint(a) == mlc::fingerprint(b));
    CHECK(mlc::fingerprint(a).size() == 64);
    CHECK(mlc::canonical_fields(a) == "active=true\ncity=Austin\nname=Acme\n");
}

TEST_CASE("fingerprint changes when any value or key changes", "[core][fingerprint]")
{
    const Fields base{{"name", "Acme"}, {"city", "Austin"}, {"active", "true"}};
    const std::string fp = mlc::fingerprint(base);
    for (std::size_t i = 0; i < base.size(); ++i) {
        Fields changed = base;
        changed[i].second += " ";
        CHECK(mlc::fingerprint(changed) != fp);
        Fields renamed = base;
        renamed[i].first += "_";
        CHECK(mlc::fingerprint(renamed) != fp);
    }
    Fields extra = base;
    extra.emplace_back("zip", "");
    CHECK(mlc::fingerprint(extra) != fp); // an empty field is still a field
    CHECK(mlc::fingerprint(Fields{}) != fp);
}

TEST_CASE("fingerprint text is unambiguous", "[core][fingerprint]")
{
    CHECK(mlc::fingerprint({{"a=b", "c"}}) != mlc::fingerprint({{"a", "b=c"}}));
    CHECK(mlc::fingerprint({{"a", "1\nb=2"}}) != mlc::fingerprint({{"a", "1"}, {"b", "2"}}));
    CHECK(mlc::fingerprint({{"a", "x\\"}, {"b", "y"}}) != mlc::fingerprint({{"a", "x\\\nb=y"}}));
    CHECK(mlc::canonical_fields({{"k=\\", "v\n="}}) == "k\\=\\\\=v\\n\\=\n");
}
