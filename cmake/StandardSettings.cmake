# standard_settings / standard_warnings: INTERFACE targets every first-party target links,
# so compiler flags live in one place (the ccache habit).
option(MLC_WERROR "Treat warnings as errors (CI turns this on)" OFF)
option(MLC_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)

add_library(standard_settings INTERFACE)
target_compile_features(standard_settings INTERFACE cxx_std_23)
if(MLC_SANITIZE)
  # -g1 (line tables) after the build type's -g: enough for the sanitizers' file:line stack
  # traces, at three quarters of the compile time of full debug info.
  target_compile_options(standard_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -g1)
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
