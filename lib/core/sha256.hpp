#pragma once
// SHA-256 (FIPS 180-4), self-contained so that the audit chain and content fingerprints do not
// pull libsodium (which only the vault may include). Not for passwords or keys: it is a plain
// digest for tamper evidence and change detection.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mlc {

class Sha256 {
public:
    using Digest = std::array<std::uint8_t, 32>;

    Sha256();
    // Feed bytes; may be called any number of times before finish().
    void update(std::string_view data);
    // Pads and returns the digest. The object must not be updated afterwards.
    Digest finish();

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_bytes_ = 0;
};

// The lowercase hex digest of `data` (64 characters).
std::string sha256_hex(std::string_view data);
std::string to_hex(const Sha256::Digest& digest);

} // namespace mlc
