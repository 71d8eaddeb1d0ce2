#include "auth/sha256.hpp"

#include <sodium.h>

#include <new>

namespace mlc {
namespace {

static_assert(sizeof(crypto_hash_sha256_state) == Sha256::k_state_bytes);
static_assert(alignof(crypto_hash_sha256_state) <= 8);
static_assert(crypto_hash_sha256_BYTES == std::tuple_size_v<Sha256::Digest>);

crypto_hash_sha256_state* as_state(unsigned char* storage)
{
    return std::launder(reinterpret_cast<crypto_hash_sha256_state*>(storage));
}

const unsigned char* as_bytes(std::string_view data)
{
    return reinterpret_cast<const unsigned char*>(data.data());
}

// libsodium asks for sodium_init() before any other call; it is idempotent and thread-safe,
// and the SHA-256 functions cannot fail, so its result is not needed here.
void ensure_sodium()
{
    [[maybe_unused]] static const int ready = sodium_init();
}

} // namespace

Sha256::Sha256()
{
    ensure_sodium();
    crypto_hash_sha256_init(new (state_.data()) crypto_hash_sha256_state);
}

void Sha256::update(std::string_view data)
{
    crypto_hash_sha256_update(as_state(state_.data()), as_bytes(data), data.size());
}

Sha256::Digest Sha256::finish()
{
    Digest out{};
    crypto_hash_sha256_final(as_state(state_.data()), out.data());
    return out;
}

std::string to_hex(const Sha256::Digest& digest)
{
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out(digest.size() * 2, '\0');
    for (std::size_t i = 0; i < digest.size(); ++i) {
        out[2 * i] = k_digits[digest[i] >> 4];
        out[2 * i + 1] = k_digits[digest[i] & 0x0f];
    }
    return out;
}

std::string sha256_hex(std::string_view data)
{
    ensure_sodium();
    Sha256::Digest out{};
    crypto_hash_sha256(out.data(), as_bytes(data), data.size());
    return to_hex(out);
}

} // namespace mlc
