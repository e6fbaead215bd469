# Runs one example program for the docs and saves what it printed.
#   cmake -DOUTPUT=<file.txt> -DWORKDIR=<dir> [-DFIGURES=<a.svg;b.svg>] [-DSHOW_COMMAND=<text>]
#         -P run_example.cmake -- <program> <args...>
# The program runs in WORKDIR (where the figures it draws belong); it must exit 0 and must have
# written every file in FIGURES, or the docs build fails. Absolute paths under WORKDIR are shown
# relative in the saved text, so the pages do not print this build's directory. SHOW_COMMAND, if
# given, is saved first as "$ <text>": the command as a reader would type it.
set(command)
set(after_dashes FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 0 ${last})
  if(after_dashes)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(after_dashes TRUE)
  endif()
endforeach()
if(NOT command OR NOT OUTPUT OR NOT WORKDIR)
  message(FATAL_ERROR "usage: cmake -DOUTPUT=file -DWORKDIR=dir -P run_example.cmake -- program args...")
endif()

foreach(f IN LISTS FIGURES)
  file(REMOVE "${WORKDIR}/${f}")
endforeach()
execute_process(COMMAND ${command}
                WORKING_DIRECTORY "${WORKDIR}"
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  string(REPLACE ";" " " shown "${command}")
  message(FATAL_ERROR "docs: `${shown}` failed (${status}):\n${out}\n${err}")
endif()
foreach(f IN LISTS FIGURES)
  if(NOT EXISTS "${WORKDIR}/${f}")
    string(REPLACE ";" " " shown "${command}")
    message(FATAL_ERROR "docs: `${shown}` did not draw ${f} (is gnuplot installed?):\n${out}\n${err}")
  endif()
endforeach()
string(REPLACE "${WORKDIR}/" "" out "${out}")
string(REPLACE "${WORKDIR}" "." out "${out}")
if(DEFINED SHOW_COMMAND AND NOT SHOW_COMMAND STREQUAL "")
  set(out "$ ${SHOW_COMMAND}\n\n${out}")
endif()
file(WRITE "${OUTPUT}" "${out}")
