// Stop scopes: a nested scope (a pass inside `run`) neither forgets a signal recorded before it
// nor takes the handlers away when it ends; the outermost one restores them.
#include "core/stop.hpp"

#include <catch2/catch.hpp>

#include <csignal>

namespace core_stop_test {

TEST_CASE("nested stop scopes keep the outer one's signal and handlers", "[core][stop]")
{
    {
        mlc::stop::Scope run;
        CHECK(mlc::stop::requested() == 0);
        {
            mlc::stop::Scope first_pass;
        }
        // A signal between two passes: the handler (still the outer scope's) records it.
        REQUIRE(std::raise(SIGTERM) == 0);
        CHECK(mlc::stop::requested() == SIGTERM);
        {
            mlc::stop::Scope second_pass;
            CHECK(mlc::stop::requested() == SIGTERM);
            CHECK_THROWS_AS(mlc::stop::check(), mlc::stop::Interrupted);
        }
        CHECK(mlc::stop::requested() == SIGTERM);
    }
    // The outermost scope forgot it with its end.
    CHECK(mlc::stop::requested() == 0);
    CHECK_NOTHROW(mlc::stop::check());
}

TEST_CASE("the outermost stop scope restores the handlers it replaced", "[core][stop]")
{
    struct sigaction before {};
    REQUIRE(::sigaction(SIGINT, nullptr, &before) == 0);
    {
        mlc::stop::Scope outer;
        {
            mlc::stop::Scope inner;
        }
        struct sigaction during {};
        REQUIRE(::sigaction(SIGINT, nullptr, &during) == 0);
        CHECK(during.sa_handler != before.sa_handler);
    }
    struct sigaction after {};
    REQUIRE(::sigaction(SIGINT, nullptr, &after) == 0);
    CHECK(after.sa_handler == before.sa_handler);
}

} // namespace core_stop_test
