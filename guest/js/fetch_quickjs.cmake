# SPDX-License-Identifier: Apache-2.0
# Fetches QuickJS and patches it; run with cmake -P at build time.
#
# `npm ci` installs exactly what package-lock.json pins, checking every
# tarball against its sha512 integrity (qjsc 0.3.0 carries the QuickJS
# 2021-03-27 sources in deps/quickjs_2021_03_27; --ignore-scripts: nothing
# of the package is run). The sources are copied to OUT and quickjs.patch
# is applied there. Variables: NPM, PATCH, SRC (guest/js), WORK (where npm
# runs), OUT, STAMP (touched on success).
function(fail what detail)
  message(FATAL_ERROR "guest/js: ${what}\n${detail}")
endfunction()

file(MAKE_DIRECTORY ${WORK})
file(COPY ${SRC}/package.json ${SRC}/package-lock.json DESTINATION ${WORK})
execute_process(COMMAND ${NPM} ci --ignore-scripts --no-audit --no-fund
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  fail("`npm ci` failed: no access to the npm registry, or a package (qjsc@0.3.0) does not \
match the sha512 integrity pinned in guest/js/package-lock.json (EINTEGRITY below)." "${out}")
endif()

set(qjsc ${WORK}/node_modules/qjsc)
file(READ ${qjsc}/package.json manifest)
string(JSON version GET "${manifest}" version)
set(quickjs ${qjsc}/deps/quickjs_2021_03_27)
if(NOT version STREQUAL "0.3.0" OR NOT EXISTS ${quickjs}/quickjs.c)
  fail("npm installed qjsc ${version} without deps/quickjs_2021_03_27" "")
endif()

file(REMOVE_RECURSE ${OUT})
file(COPY ${quickjs}/ DESTINATION ${OUT})
execute_process(COMMAND ${PATCH} -p1 --batch --forward --no-backup-if-mismatch
                        -i ${SRC}/quickjs.patch
                WORKING_DIRECTORY ${OUT} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  fail("guest/js/quickjs.patch does not apply to QuickJS 2021-03-27" "${out}")
endif()
file(TOUCH ${STAMP})
