#pragma once
// SHA-256 for the audit chain, content fingerprints and batch keys: a plain digest for tamper
// evidence and change detection, not for passwords or keys. It is libsodium's
// crypto_hash_sha256, so it lives in auth/, the one folder allowed to include libsodium (it
// holds the vault); this header does not include it, so callers do not either.
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

    // The size of libsodium's crypto_hash_sha256_state, checked where it is defined. Kept
    // inline rather than behind a pointer: the audit log hashes every row it appends.
    static constexpr std::size_t k_state_bytes = 104;

private:
    alignas(8) std::array<unsigned char, k_state_bytes> state_;
};

// The lowercase hex digest of `data` (64 characters).
std::string sha256_hex(std::string_view data);
std::string to_hex(const Sha256::Digest& digest);

} // namespace mlc
