# lit configuration for rtcc: tests are .rtg (textual graph IR) and .test
# files whose RUN lines call rtc-opt / rtcc / rtrun / rt-asm and pipe into
# FileCheck.
#
# Tools are found through PATH (the build's compiler/, runtime/ and
# tools/rtdse/ dirs first, then LLVM's FileCheck, not and count). RUN lines
# are executed by bash, so shell constructs such as
# `rtc-opt ...; test $? -eq 2` work.
#
# Substitutions: %testdata is the repository's testdata/ directory; %S, %s,
# %t are lit's usual ones.
import os

import lit.formats

config.name = "rtcc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".rtg", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py.in"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = getattr(config, "rtc_lit_obj_root",
                                os.path.dirname(__file__))

path = os.pathsep.join([config.rtc_tools_dir, config.rtc_runtime_tools_dir,
                        config.rtc_dse_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path

config.substitutions.append(("%testdata", config.rtc_testdata_dir))
