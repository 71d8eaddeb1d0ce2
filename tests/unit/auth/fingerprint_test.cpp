#include "auth/fingerprint.hpp"

#include <catch2/catch.hpp>

using Fields = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("fingerprint is independent of field order", "[auth][fingerprint]")
{
    const Fields a{{"name", "Acme"}, {"city", "Austin"}, {"active", "true"}};
    const Fields b{{"active", "true"}, {"name", "Acme"}, {"city", "Austin"}};
    CHECK(mlc::fingerprint(a) == mlc::fingerprint(b));
    CHECK(mlc::fingerprint(a).size() == 64);
    CHECK(mlc::canonical_fields(a) == "active=true\ncity=Austin\nname=Acme\n");
}

TEST_CASE("fingerprint is frozen: the digest stored in existing databases", "[auth][fingerprint]")
{
    // sha256 of "active=true\ncity=Austin\nname=Acme\n". A change here changes every stored
    // links.fingerprint, and the next pass resends every record.
    CHECK(mlc::fingerprint({{"name", "Acme"}, {"city", "Austin"}, {"active", "true"}})
          == "99544f25adb7f4385c269c97dccb5de05c4665ef8f1b86d2ebd24ada53a8a984");
}

TEST_CASE("fingerprint changes when any value or key changes", "[auth][fingerprint]")
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

TEST_CASE("fingerprint text is unambiguous", "[auth][fingerprint]")
{
    CHECK(mlc::fingerprint({{"a=b", "c"}}) != mlc::fingerprint({{"a", "b=c"}}));
    CHECK(mlc::fingerprint({{"a", "1\nb=2"}}) != mlc::fingerprint({{"a", "1"}, {"b", "2"}}));
    CHECK(mlc::fingerprint({{"a", "x\\"}, {"b", "y"}}) != mlc::fingerprint({{"a", "x\\\nb=y"}}));
    CHECK(mlc::canonical_fields({{"k=\\", "v\n="}}) == "k\\=\\\\=v\\n\\=\n");
}
