# standard_settings / standard_warnings: INTERFACE targets every first-party target links,
# so compiler flags live in one place (the ccache habit).
option(MLC_WERROR "Treat warnings as errors (CI turns this on)" OFF)
option(MLC_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
# The fuzz build (docs/fuzzing.md, scripts/fuzz.sh): only the layers whose parsers are fuzzed and
# the libFuzzer targets of tests/fuzz. Clang only: libFuzzer is part of clang's compiler-rt.
option(MLC_FUZZ "Build only the libFuzzer targets of tests/fuzz (clang)" OFF)
if(MLC_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "MLC_FUZZ=ON needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++-19, as scripts/fuzz.sh does")
endif()
if(MLC_FUZZ AND MLC_SANITIZE)
  message(FATAL_ERROR "MLC_FUZZ=ON already builds with ASan + UBSan: leave MLC_SANITIZE off")
endif()

add_library(standard_settings INTERFACE)
target_compile_features(standard_settings INTERFACE cxx_std_23)
if(MLC_SANITIZE)
  # -g1 (line tables) after the build type's -g: enough for the sanitizers' file:line stack
  # traces, at three quarters of the compile time of full debug info.
  target_compile_options(standard_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -g1)
  target_link_options(standard_settings INTERFACE -fsanitize=address,undefined)
endif()
if(MLC_FUZZ)
  # Coverage instrumentation for libFuzzer on every first-party file (the targets link the
  # fuzzer itself with -fsanitize=fuzzer), ASan + UBSan stopping at the first report so the
  # fuzzer keeps the input. pointer-overflow alone is recoverable, only so that the one report
  # inside RapidJSON can be suppressed (tests/fuzz/ubsan.supp); scripts/fuzz.sh runs with
  # halt_on_error=1, so any other still stops the run. -O1 -g1 after the build type's flags,
  # whatever it is: fast to compile, fast enough to run, file:line in the stack traces.
  target_compile_options(standard_settings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
    -fsanitize-recover=pointer-overflow -fno-omit-frame-pointer -O1 -g1)
  target_link_options(standard_settings INTERFACE -fsanitize=address,undefined)
endif()

add_library(standard_warnings INTERFACE)
target_compile_options(standard_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  $<$<BOOL:${MLC_WERROR}>:-Werror>)

# Named crash points (core/crash_point.hpp): honoured through ML_CONNECTOR_CRASH_AT only when
# compiled in. On for developer and test builds, where the crash tests need them; a release
# package turns them off.
option(MLC_CRASH_POINTS "Compile in the named crash points the crash tests use" ON)
