#pragma once
// Money and quantities as exact decimals, never doubles: parsed from the text a system sent
// ("1350.5", "-0.25", "1e3" is refused), added and multiplied exactly, and written back as plain
// decimal text. A value is an integer count of 10^-scale units in a 128-bit integer, so sums of
// amounts in the billions with quantities to six places cannot overflow or round.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlc {

// The 128-bit integer GCC and Clang provide; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 DecimalUnits;

class Decimal {
public:
    Decimal() = default;
    static Decimal from_int(std::int64_t v) { return Decimal(v, 0); }

    // "12", "-3.50", "+0.125", ".5"; at most 18 fractional digits; no exponent, no spaces.
    static std::optional<Decimal> parse(std::string_view text);
    // The same, but an empty text (an amount Procore left out) is zero.
    static std::optional<Decimal> parse_or_zero(std::string_view text)
    {
        return text.empty() ? std::optional<Decimal>(Decimal{}) : parse(text);
    }

    // Plain decimal text, trailing fractional zeros dropped ("1350.5", "12", "-0.25").
    std::string str() const;
    // Rounded half away from zero to `places` fractional digits, always written with them
    // ("1350.50" for places = 2).
    std::string fixed(int places) const;
    Decimal rounded(int places) const;

    bool is_zero() const { return units_ == 0; }
    bool is_negative() const { return units_ < 0; }
    int scale() const { return scale_; }

    friend Decimal operator+(const Decimal& a, const Decimal& b);
    friend Decimal operator-(const Decimal& a, const Decimal& b);
    // Exact; the scale is the sum of the scales (capped at 18 by rounding).
    friend Decimal operator*(const Decimal& a, const Decimal& b);
    Decimal& operator+=(const Decimal& b) { return *this = *this + b; }
    friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
    friend bool operator==(const Decimal& a, const Decimal& b)
    {
        return (a <=> b) == std::strong_ordering::equal;
    }

private:
    Decimal(DecimalUnits units, int scale) : units_(units), scale_(scale) {}
    static Decimal rescaled(const Decimal& d, int scale);

    DecimalUnits units_ = 0;
    int scale_ = 0;
};

} // namespace mlc
