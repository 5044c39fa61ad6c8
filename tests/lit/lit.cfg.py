# lit configuration for ariadnec's FileCheck tests.
import os
import lit.formats

config.name = "ariadnec"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ariadne_obj_root, "tests", "lit")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py.in", "Inputs"]

tools = os.path.join(config.ariadne_obj_root, "tools")
config.environment["PATH"] = os.pathsep.join(
    [os.path.join(tools, "ariadnec"), os.path.join(tools, "ariadne-opt"),
     config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
config.substitutions.append(("%ariadne_src", config.ariadne_src_root))
