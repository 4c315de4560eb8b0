# Writes the man page certgate(8) from the binary's own help: help2man turns `certgate --help` and `--version`
# into the page, and every subcommand's `--help` (found in the "Subcommands:" list of its parent, at every
# level) becomes a subsection of COMMANDS. certgate.h2m adds what no --help says (files, signals, see also).
# So the page cannot drift from the help: both are the same text.
#   cmake -DCERTGATE=<binary> -DHELP2MAN=<help2man> -DSTATIC=<certgate.h2m> -DOUT=<certgate.8> -P make_man.cmake
foreach(var CERTGATE HELP2MAN STATIC OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "make_man.cmake: -D${var}= is required")
  endif()
endforeach()

function(help_of words out_var)
  string(REPLACE " " ";" args "${words}")
  execute_process(COMMAND ${CERTGATE} ${args} --help OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "make_man.cmake: certgate ${words} --help exited with ${rc}")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# The names in the "Subcommands:" block of a help text (two spaces, the name, spaces, its summary).
function(subcommands_of text out_var)
  set(names "")
  string(FIND "${text}" "\nSubcommands:\n" at)
  if(at GREATER -1)
    math(EXPR at "${at} + 14")
    string(SUBSTRING "${text}" ${at} -1 rest)
    string(FIND "${rest}" "\n\n" end)
    if(end GREATER -1)
      string(SUBSTRING "${rest}" 0 ${end} rest)
    endif()
    string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*" found "${rest}")
    foreach(f IN LISTS found)
      string(STRIP "${f}" f)
      list(APPEND names "${f}")
    endforeach()
  endif()
  set(${out_var} "${names}" PARENT_SCOPE)
endfunction()

# Help text as roff in a no-fill block: backslashes escaped, no line taken for a request.
function(as_roff text out_var)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "\n([.'])" "\n\\\\&\\1" text "\n${text}")
  set(${out_var} ".nf${text}.fi\n" PARENT_SCOPE)
endfunction()

set(sections "")
function(add_commands words)
  help_of("${words}" text)
  as_roff("${text}" roff)
  set(sections "${sections}.SS \"certgate ${words}\"\n${roff}")
  subcommands_of("${text}" subs)
  foreach(s IN LISTS subs)
    add_commands("${words} ${s}")  # appends to this scope's sections
  endforeach()
  set(sections "${sections}" PARENT_SCOPE)
endfunction()

help_of("" top)
subcommands_of("${top}" commands)
if(NOT commands)
  message(FATAL_ERROR "make_man.cmake: no subcommands found in certgate --help")
endif()
foreach(c IN LISTS commands)
  add_commands("${c}")
endforeach()

set(generated "${OUT}.commands.h2m")
file(WRITE "${generated}" "[COMMANDS]\nEach command's --help, as the binary prints it.\n${sections}")
execute_process(
  COMMAND ${HELP2MAN} --section=8 --no-info --no-discard-stderr
          "--name=TLS gateway that admits only the CDN that should reach the origin"
          "--include=${STATIC}" "--include=${generated}" --output=${OUT} ${CERTGATE}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "make_man.cmake: help2man exited with ${rc}")
endif()
