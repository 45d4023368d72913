# SPDX-License-Identifier: Apache-2.0
# The warning set every target of ours compiles with.
function(wb_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow
                         -Wstrict-prototypes -Wmissing-prototypes)
endfunction()
