#include "core/decimal.hpp"

#include <algorithm>

namespace mlc {

namespace {

constexpr int k_max_scale = 18;

DecimalUnits pow10(int n)
{
    DecimalUnits p = 1;
    for (int i = 0; i < n; ++i) {
        p *= 10;
    }
    return p;
}

} // namespace

std::optional<Decimal> Decimal::parse(std::string_view text)
{
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        ++i;
    }
    DecimalUnits units = 0;
    int scale = 0;
    int digits = 0;
    bool point = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        if (point) {
            if (scale == k_max_scale) {
                return std::nullopt;
            }
            ++scale;
        }
        units = units * 10 + (c - '0');
        if (++digits > 36) {
            return std::nullopt;
        }
    }
    if (digits == 0) {
        return std::nullopt;
    }
    return Decimal(negative ? -units : units, scale);
}

Decimal Decimal::rescaled(const Decimal& d, int scale)
{
    if (scale >= d.scale_) {
        return Decimal(d.units_ * pow10(scale - d.scale_), scale);
    }
    return d.rounded(scale);
}

Decimal Decimal::rounded(int places) const
{
    if (places >= scale_) {
        return *this;
    }
    const DecimalUnits div = pow10(scale_ - places);
    DecimalUnits q = units_ / div;
    const DecimalUnits r = units_ % div;
    if (r * 2 >= div) {
        ++q;
    } else if (r * 2 <= -div) {
        --q;
    }
    return Decimal(q, places);
}

Decimal operator+(const Decimal& a, const Decimal& b)
{
    const int s = std::max(a.scale_, b.scale_);
    return Decimal(Decimal::rescaled(a, s).units_ + Decimal::rescaled(b, s).units_, s);
}

Decimal operator-(const Decimal& a, const Decimal& b)
{
    const int s = std::max(a.scale_, b.scale_);
    return Decimal(Decimal::rescaled(a, s).units_ - Decimal::rescaled(b, s).units_, s);
}

Decimal operator*(const Decimal& a, const Decimal& b)
{
    Decimal p(a.units_ * b.units_, a.scale_ + b.scale_);
    return p.scale_ > k_max_scale ? p.rounded(k_max_scale) : p;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b)
{
    const int s = std::max(a.scale_, b.scale_);
    const DecimalUnits x = Decimal::rescaled(a, s).units_;
    const DecimalUnits y = Decimal::rescaled(b, s).units_;
    return x < y ? std::strong_ordering::less
                 : (x > y ? std::strong_ordering::greater : std::strong_ordering::equal);
}

namespace {

std::string digits_of(DecimalUnits v)
{
    if (v == 0) {
        return "0";
    }
    std::string s;
    while (v > 0) {
        s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    }
    std::reverse(s.begin(), s.end());
    return s;
}

std::string render(DecimalUnits units, int scale, bool trim)
{
    const bool negative = units < 0;
    std::string digits = digits_of(negative ? -units : units);
    if (static_cast<int>(digits.size()) <= scale) {
        digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
    }
    std::string whole = digits.substr(0, digits.size() - static_cast<std::size_t>(scale));
    std::string frac = digits.substr(digits.size() - static_cast<std::size_t>(scale));
    if (trim) {
        while (!frac.empty() && frac.back() == '0') {
            frac.pop_back();
        }
    }
    std::string out =
        negative && (whole != "0" || frac.find_first_not_of('0') != std::string::npos) ? "-" : "";
    out += whole;
    if (!frac.empty()) {
        out += '.';
        out += frac;
    }
    return out;
}

} // namespace

std::string Decimal::str() const
{
    return render(units_, scale_, true);
}

std::string Decimal::fixed(int places) const
{
    const Decimal r = rescaled(*this, places);
    return render(r.units_, r.scale_, false);
}

} // namespace mlc
