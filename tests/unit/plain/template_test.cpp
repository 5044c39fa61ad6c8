//===- template_test.cpp - named-slot templates and embedded resources ----===//
#include "backends/common/Resources.h"
#include "backends/common/Template.h"

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace ariadne;

namespace {

std::string fill(const std::string &text, const TemplateSlots &slots) {
  std::string result, error;
  INFO(error);
  REQUIRE(fillTemplate("t.txt", text, slots, result, error));
  return result;
}

std::string fillError(const std::string &text, const TemplateSlots &slots) {
  std::string result = "untouched", error;
  REQUIRE_FALSE(fillTemplate("t.txt", text, slots, result, error));
  CHECK(result == "untouched");
  return error;
}

} // namespace

TEST_CASE("slots are replaced by their values", "[template]") {
  CHECK(fill("void @NAME@(); // @NAME@ again", {{"NAME", "mlp"}}) ==
        "void mlp(); // mlp again");
  CHECK(fill("@A@@B_2@", {{"A", "x"}, {"B_2", "y"}}) == "xy");
  CHECK(fill("", {}) == "");
  CHECK(fill("@X@", {{"X", ""}}) == "");
}

TEST_CASE("values are inserted verbatim, not filled again", "[template]") {
  CHECK(fill("<@A@>", {{"A", "@B@"}}) == "<@B@>");
  CHECK(fill("@A@\n", {{"A", "line 1\nline 2"}}) == "line 1\nline 2\n");
}

TEST_CASE("other @ signs are literal text", "[template]") {
  const char *text = "mail a@b.org, @@, @lower@, @ A@, @A, 50@ 3@";
  CHECK(fill(text, {}) == text);
  CHECK(fill("@@X@@", {{"X", "v"}}) == "@v@");
}

TEST_CASE("a slot without a value is an error naming it and its line",
          "[template]") {
  std::string error = fillError("a\nb\nc @MISSING@\n", {{"OTHER", "1"}});
  CHECK(error == "t.txt:3: slot @MISSING@ has no value");
}

TEST_CASE("a value for no slot is an error", "[template]") {
  std::string error = fillError("x @A@ y", {{"A", "1"}, {"EXTRA", "2"}});
  CHECK(error == "t.txt: a value is given for 'EXTRA', which is no slot of "
                 "the template");
}

TEST_CASE("the runtime headers and templates are embedded", "[template]") {
  for (const char *path :
       {"templates/cpp/CMakeLists.txt", "templates/cpp/tb.cpp",
        "templates/cpp/README.md", "templates/cpp/kernel.h",
        "templates/cpp/kernel.cpp", "runtime/ariadne/dense.h",
        "runtime/ariadne/fastmath.h", "runtime/ariadne/platform.h"}) {
    const Resource *resource = findResource(path);
    INFO(path);
    REQUIRE(resource != nullptr);
    CHECK(resource->size > 100);
    CHECK(resource->text().size() == resource->size);
  }
  CHECK(findResource("templates/cpp/missing.txt") == nullptr);
  CHECK(findResource("templates/cpp/tb.cpp")
            ->text()
            .find("#include \"@NAME@.h\"") != std::string::npos);

  std::vector<const Resource *> runtime = resourcesUnder("runtime/ariadne/");
  std::set<std::string> names;
  for (const Resource *r : runtime)
    names.insert(r->path);
  CHECK(names.count("runtime/ariadne/ariadne.h"));
  CHECK(names.count("runtime/ariadne/softmax.h"));
  CHECK(resourcesUnder("templates/cpp/").size() >= 5);

  // Sorted by path.
  const std::vector<Resource> &all = embeddedResources();
  for (size_t i = 1; i < all.size(); ++i)
    CHECK(std::string(all[i - 1].path) < std::string(all[i].path));
}

TEST_CASE("the C++ skeletons use only the slots the backend fills",
          "[template]") {
  // The slots of each skeleton, as CppBackend.cpp provides them.
  const std::map<std::string, std::set<std::string>> expected = {
      {"templates/cpp/CMakeLists.txt", {"NAME"}},
      {"templates/cpp/tb.cpp", {"NAME", "BANNER"}},
      {"templates/cpp/kernel.h",
       {"NAME", "SOURCE", "BANNER", "GUARD", "EVENT_COMMENT", "TENSOR_TABLE",
        "TENSOR_MACROS", "INPUT_SIZE", "OUTPUT_SIZE", "RAW_DECLARATIONS"}},
      {"templates/cpp/kernel.cpp",
       {"NAME", "SOURCE", "BANNER", "DECLARATIONS", "BODY", "TILE_STORAGE",
        "RAW_ENTRIES"}},
      {"templates/cpp/README.md",
       {"NAME", "SOURCE", "EVENT_DEFINITION", "TENSOR_LIST", "INPUT_SIZE",
        "OUTPUT_SIZE", "LAYER_SUMMARY"}},
  };
  std::regex slot("@([A-Z][A-Z0-9_]*)@");
  for (const auto &[path, slots] : expected) {
    const Resource *resource = findResource(path);
    REQUIRE(resource != nullptr);
    std::string text = resource->text();
    std::set<std::string> found;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), slot);
         it != std::sregex_iterator(); ++it)
      found.insert((*it)[1]);
    INFO(path);
    CHECK(found == slots);
  }
}
