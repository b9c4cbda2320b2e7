# Lays out the build-ID half of the split-debug samples (run with cmake -P):
#   STRIPPED                                a copy of BINARY with all symbols
#                                           and DWARF stripped and no
#                                           .gnu_debuglink: the build ID is the
#                                           only way to its debug info
#   DEBUG_ROOT/.build-id/xx/yyyyyy.debug    a copy of DEBUG_FILE, where xx are
#                                           the first two hex digits of the
#                                           build ID (GDB's and elfutils' layout)
# and touches STAMP. Inputs: READELF, OBJCOPY, BINARY, DEBUG_FILE, STRIPPED,
# DEBUG_ROOT, STAMP.
foreach(var READELF OBJCOPY BINARY DEBUG_FILE STRIPPED DEBUG_ROOT STAMP)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build-id-tree.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND "${READELF}" --notes "${BINARY}"
                OUTPUT_VARIABLE notes RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT notes MATCHES "Build ID: ([0-9a-f]+)")
  message(FATAL_ERROR "build-id-tree.cmake: no build ID in ${BINARY} (link with -Wl,--build-id)")
endif()
set(build_id "${CMAKE_MATCH_1}")
string(SUBSTRING "${build_id}" 0 2 head)
string(SUBSTRING "${build_id}" 2 -1 tail)

# Start from an empty tree so a relink does not leave the old ID's file behind.
file(REMOVE_RECURSE "${DEBUG_ROOT}")
file(MAKE_DIRECTORY "${DEBUG_ROOT}/.build-id/${head}")
file(COPY_FILE "${DEBUG_FILE}" "${DEBUG_ROOT}/.build-id/${head}/${tail}.debug")

get_filename_component(stripped_dir "${STRIPPED}" DIRECTORY)
file(MAKE_DIRECTORY "${stripped_dir}")
execute_process(COMMAND "${OBJCOPY}" --strip-all "${BINARY}" "${STRIPPED}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "build-id-tree.cmake: objcopy --strip-all failed for ${BINARY}")
endif()
file(TOUCH "${STAMP}")
