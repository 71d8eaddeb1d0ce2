// The journal priority prefix: lines carry <N> only when $JOURNAL_STREAM names stderr.
#include "core/log.hpp"
#include "support/env_guard.hpp"
#include "unit/http/capture_stderr.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace log_test {

using mlc::log::Format;
using mlc::log::Level;

std::string stream_of(int fd)
{
    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    return fmt::format("{}:{}", static_cast<unsigned long long>(st.st_dev),
                       static_cast<unsigned long long>(st.st_ino));
}

TEST_CASE("is_journal_stream matches the device and inode of the fd only", "[core][log]")
{
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    const int fd = ::fileno(file);
    const std::string own = stream_of(fd);
    CHECK(mlc::log::is_journal_stream(own.c_str(), fd));

    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    const auto dev = static_cast<unsigned long long>(st.st_dev);
    const auto ino = static_cast<unsigned long long>(st.st_ino);
    // Another file (stderr redirected since systemd set the variable) is not the journal.
    CHECK_FALSE(mlc::log::is_journal_stream(fmt::format("{}:{}", dev, ino + 1).c_str(), fd));
    CHECK_FALSE(mlc::log::is_journal_stream(fmt::format("{}:{}", dev + 1, ino).c_str(), fd));
    // Unset or malformed values.
    CHECK_FALSE(mlc::log::is_journal_stream(nullptr, fd));
    CHECK_FALSE(mlc::log::is_journal_stream("", fd));
    CHECK_FALSE(mlc::log::is_journal_stream(fmt::format("{}", ino).c_str(), fd));
    CHECK_FALSE(mlc::log::is_journal_stream(fmt::format("{}:", dev).c_str(), fd));
    CHECK_FALSE(mlc::log::is_journal_stream(fmt::format(":{}", ino).c_str(), fd));
    CHECK_FALSE(mlc::log::is_journal_stream(fmt::format("{}:{}x", dev, ino).c_str(), fd));
    CHECK_FALSE(mlc::log::is_journal_stream(fmt::format("-{}:{}", dev, ino).c_str(), fd));
    // A closed descriptor cannot be the journal.
    CHECK_FALSE(mlc::log::is_journal_stream(own.c_str(), -1));
    std::fclose(file);
}

TEST_CASE("format_line puts the sd-daemon priority before every line for the journal only",
          "[core][log]")
{
    CHECK(mlc::log::format_line(Level::error, Format::text, true, "T", "boom")
          == "<3>T error boom\n");
    CHECK(mlc::log::format_line(Level::warn, Format::text, true, "T", "w") == "<4>T warn  w\n");
    CHECK(mlc::log::format_line(Level::info, Format::text, true, "T", "i") == "<6>T info  i\n");
    CHECK(mlc::log::format_line(Level::debug, Format::text, true, "T", "d") == "<7>T debug d\n");
    CHECK(mlc::log::format_line(Level::trace, Format::text, true, "T", "t") == "<7>T trace t\n");
    CHECK(mlc::log::format_line(Level::info, Format::text, false, "T", "i") == "T info  i\n");
    // A traced body spans lines: each one keeps the level.
    CHECK(mlc::log::format_line(Level::trace, Format::text, true, "T", "a\nb")
          == "<7>T trace a\n<7>b\n");
    // JSON stays one object per line, the prefix before it (journald strips it).
    CHECK(mlc::log::format_line(Level::warn, Format::json, true, "T", "x\ny")
          == "<4>{\"ts\":\"T\",\"level\":\"warn\",\"msg\":\"x\\ny\"}\n");
    CHECK(mlc::log::format_line(Level::warn, Format::json, false, "T", "x")
          == "{\"ts\":\"T\",\"level\":\"warn\",\"msg\":\"x\"}\n");
}

TEST_CASE("log lines on a stderr that is the journal carry the priority and no escape codes",
          "[core][log]")
{
    mlc::test::CaptureStderr capture(Level::info);
    {
        const mlc::test::EnvGuard journal("JOURNAL_STREAM", stream_of(STDERR_FILENO).c_str());
        mlc::log::configure(Level::debug, Format::text);
        mlc::log::error("e1");
        mlc::log::warn("w1");
        mlc::log::info("i1");
        mlc::log::debug("d1");
    }
    {
        // Not the journal (stderr redirected to a file by hand): plain lines.
        const mlc::test::EnvGuard journal("JOURNAL_STREAM", "1:1");
        mlc::log::configure(Level::info, Format::text);
        mlc::log::info("plain");
    }
    const std::string text = capture.text();
    CHECK(text.find("<3>") == 0);
    CHECK(text.find(" error e1\n<4>") != std::string::npos);
    CHECK(text.find(" warn  w1\n<6>") != std::string::npos);
    CHECK(text.find(" info  i1\n<7>") != std::string::npos);
    CHECK(text.find(" debug d1\n") != std::string::npos);
    const auto plain = text.find("plain");
    REQUIRE(plain != std::string::npos);
    const auto line_start = text.rfind('\n', plain) + 1;
    CHECK(text[line_start] != '<');
    CHECK(text.find('\033') == std::string::npos);
}

} // namespace log_test
