// Exact decimals for money and quantities: what parses and what is refused, the text forms, the
// rounding rule (half away from zero), arithmetic and ordering, on negative and large values.
#include "core/decimal.hpp"

#include <catch2/catch.hpp>

using mlc::Decimal;

namespace {

Decimal d(const char* text)
{
    const auto v = Decimal::parse(text);
    REQUIRE(v.has_value());
    return *v;
}

} // namespace

TEST_CASE("Decimal::parse takes plain decimals", "[core][decimal]")
{
    CHECK(d("12").str() == "12");
    CHECK(d("-3.50").str() == "-3.5");
    CHECK(d("+0.125").str() == "0.125");
    CHECK(d(".5").str() == "0.5");
    CHECK(d("5.").str() == "5");
    CHECK(d("0").str() == "0");
    CHECK(d("007.10").str() == "7.1");
    CHECK(d("1350.5").scale() == 1);
    CHECK(d("250.0").scale() == 1);
    CHECK(d("0.000000000000000001").str() == "0.000000000000000001"); // 18 places: the most
}

TEST_CASE("Decimal::parse refuses what is not a plain decimal", "[core][decimal]")
{
    for (const char* bad :
         {"",    "-",     "+",      ".",    "-.",
          "1e3", "1E3",   "1.5e-2", " 1",   "1 ",
          "1,5", "1.2.3", "abc",    "0x10", "--1",
          "+-1", "1-",    "NaN",    "inf",  "0.0000000000000000001"}) { // 19 places
        INFO(bad);
        CHECK_FALSE(Decimal::parse(bad).has_value());
    }
    // 36 digits fit the 128-bit units; 37 do not.
    CHECK(Decimal::parse("123456789012345678901234567890123456").has_value());
    CHECK_FALSE(Decimal::parse("1234567890123456789012345678901234567").has_value());
}

TEST_CASE("Decimal::str drops trailing zeros and never writes a negative zero", "[core][decimal]")
{
    CHECK(d("1350.50").str() == "1350.5");
    CHECK(d("100").str() == "100");
    CHECK(d("100.000").str() == "100");
    CHECK(d("-0.25").str() == "-0.25");
    CHECK(d("-0.00").str() == "0");
    CHECK(d("0.010").str() == "0.01");
    CHECK(Decimal::from_int(-5).str() == "-5");
    CHECK(Decimal{}.str() == "0");
}

TEST_CASE("Decimal::fixed writes the places asked for, rounding half away from zero",
          "[core][decimal]")
{
    CHECK(d("1350.5").fixed(2) == "1350.50");
    CHECK(d("12").fixed(2) == "12.00");
    CHECK(d("12").fixed(0) == "12");
    CHECK(d("2.345").fixed(2) == "2.35");
    CHECK(d("2.344").fixed(2) == "2.34");
    CHECK(d("-2.345").fixed(2) == "-2.35"); // away from zero, not towards +infinity
    CHECK(d("-2.344").fixed(2) == "-2.34");
    CHECK(d("0.005").fixed(2) == "0.01");
    CHECK(d("-0.005").fixed(2) == "-0.01");
    CHECK(d("-0.004").fixed(2) == "0.00"); // rounds to zero: no "-0.00"
    CHECK(d("2.5").fixed(0) == "3");
    CHECK(d("-2.5").fixed(0) == "-3");
    CHECK(d("0.125").fixed(2) == "0.13"); // not banker's rounding (which gives 0.12)
    CHECK(d("999.995").fixed(2) == "1000.00");
    CHECK(d("1.23456789").rounded(4).str() == "1.2346");
    CHECK(d("1.5").rounded(4).str() == "1.5"); // fewer places than asked: unchanged
}

TEST_CASE("Decimal arithmetic is exact", "[core][decimal]")
{
    CHECK((d("0.1") + d("0.2")).str() == "0.3"); // 0.30000000000000004 as doubles
    CHECK((d("0.1") + d("0.2")) == d("0.3"));
    CHECK((d("1") - d("1.01")).str() == "-0.01");
    CHECK((d("-2.5") - d("-2.5")).is_zero());
    CHECK((d("1.5") * d("2.25")).str() == "3.375");
    CHECK((d("1.5") * d("2.25")).scale() == 3); // scales add
    CHECK((d("-2") * d("0.5")).str() == "-1");
    CHECK((d("-2") * d("-0.5")).str() == "1");
    CHECK((d("19.99") * d("3")).fixed(2) == "59.97");
    Decimal sum;
    for (int i = 0; i < 10; ++i) {
        sum += d("0.1");
    }
    CHECK(sum == d("1"));
    CHECK(sum.str() == "1");
    // A product past 18 places is rounded (half away from zero) to 18.
    CHECK((d("0.000000001") * d("0.0000000015")).str() == "0.000000000000000002");
    CHECK((d("-0.000000001") * d("0.0000000015")).str() == "-0.000000000000000002");
}

TEST_CASE("Decimal comparisons ignore the scale", "[core][decimal]")
{
    CHECK(d("1.50") == d("1.5"));
    CHECK(d("1.500") == d("1.5"));
    CHECK_FALSE(d("1.51") == d("1.5"));
    CHECK(d("-1") < d("0.5"));
    CHECK(d("10") > d("9.99"));
    CHECK(d("-10") < d("-9.99"));
    CHECK(d("0.001") > d("0"));
    CHECK(d("-0.001") < d("0"));
    CHECK(d("-0") == d("0"));
    CHECK(d("2") >= d("2.0"));
    CHECK(d("-0.5").is_negative());
    CHECK_FALSE(d("0.0").is_negative());
    CHECK(d("0.000").is_zero());
}

TEST_CASE("Decimal holds large amounts exactly", "[core][decimal]")
{
    CHECK((d("999999999999.99") + d("0.01")).str() == "1000000000000");
    CHECK((d("123456789012345678.123456") * d("1000")).str() == "123456789012345678123.456");
    // Billions times quantities to six places, summed: no overflow, no rounding.
    Decimal total;
    for (int i = 0; i < 1000; ++i) {
        total += d("4999999999.99") * d("1234.567891");
    }
    CHECK(total.str() == "6172839454987654.32109");
    // The largest integer a double holds exactly, plus one: exact here.
    CHECK((d("9007199254740992") + d("1")).str() == "9007199254740993");
    CHECK(d("-123456789012345678901234567890.123456").str()
          == "-123456789012345678901234567890.123456");
    CHECK(d("99999999999999999999") > d("99999999999999999998.999999"));
}
