//===- KernelName.cpp - names a generated kernel may take -----------------===//
#include "backends/common/KernelName.h"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace ariadne {

namespace {

/// Keywords of C, C++ (to C++20), CUDA's own words and Verilog-2005 /
/// SystemVerilog words a module may not take.
const char *const kKeywords[] = {
    // C and C++
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor",
    "bool", "break", "case", "catch", "char", "char8_t", "char16_t", "char32_t",
    "class", "compl", "concept", "const", "consteval", "constexpr", "constinit",
    "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype",
    "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
    "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
    "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept",
    "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private",
    "protected", "public", "register", "reinterpret_cast", "requires",
    "restrict", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this",
    "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t",
    "while", "xor", "xor_eq",
    // CUDA
    "dim3", "warpSize", "blockIdx", "blockDim", "threadIdx", "gridDim",
    // Verilog and SystemVerilog
    "always", "assign", "begin", "bit", "buf", "byte", "casex", "casez", "edge",
    "end", "endcase", "endfunction", "endgenerate", "endmodule", "endtask",
    "event", "force", "forever", "fork", "function", "generate", "genvar",
    "initial", "inout", "input", "integer", "join", "localparam", "logic",
    "module", "negedge", "output", "parameter", "posedge", "real", "reg",
    "release", "repeat", "table", "task", "time", "wire"};

/// C library functions a kernel with C linkage would clash with.
const char *const kCLibraryFunctions[] = {
    "abs",   "acos",  "asin",   "atan",   "atan2",  "ceil",    "cos",
    "cosh",  "erf",   "exp",    "exp2",   "expf",   "fabs",    "floor",
    "fmax",  "fmin",  "fmod",   "log",    "log2",   "log10",   "logf",
    "pow",   "round", "sin",    "sinh",   "sqrt",   "tan",     "tanh",
    "tanhf", "trunc", "malloc", "free",   "calloc", "realloc", "exit",
    "abort", "atoi",  "qsort",  "printf", "puts",   "fopen",   "fclose",
    "read",  "write", "open",   "close",  "memcpy", "memset",  "strlen",
    "time",  "clock", "rand",   "signal", "select", "index",   "random",
    "main",  "kill",  "fork",   "wait",   "sleep",  "system",  "remove"};

/// Names the packages use for their own files, folders, targets and
/// namespaces: the test benches (`tb`, `csim`), the HLS project's
/// parameters.h and weights.h, the runtime folder and namespace.
const char *const kPackageNames[] = {"tb",      "csim",    "parameters",
                                     "weights", "ariadne", "std"};

bool contains(const char *const *first, const char *const *last,
              const std::string &name) {
  return std::find_if(first, last,
                      [&](const char *word) { return name == word; }) != last;
}

} // namespace

std::string kernelNameProblem(const std::string &name) {
  if (name.empty())
    return "the kernel name is empty";
  if (name.size() > 200)
    return "the kernel name is longer than 200 characters";
  const std::string quoted = "the kernel name '" + name + "' ";
  if (std::isdigit(static_cast<unsigned char>(name[0])) ||
      !std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      }))
    return quoted + "is not a C identifier";
  if (name.find("__") != std::string::npos ||
      (name[0] == '_' &&
       (name.size() == 1 || std::isupper(static_cast<unsigned char>(name[1])))))
    return quoted + "is reserved to the C and C++ implementation";
  if (contains(std::begin(kKeywords), std::end(kKeywords), name))
    return quoted + "is a keyword of C, C++, CUDA or Verilog";
  if (contains(std::begin(kCLibraryFunctions), std::end(kCLibraryFunctions),
               name))
    return quoted + "is a C library function";
  if (contains(std::begin(kPackageNames), std::end(kPackageNames), name))
    return quoted + "is a name the generated packages use themselves";
  return "";
}

} // namespace ariadne
