#include "web/assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace odin::web {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every file of a directory with one of the embedded extensions, as the URL it is served at.
std::set<std::string> files_on_disk(const fs::path& dir, const std::string& prefix,
                                    const std::set<std::string>& extensions) {
  std::set<std::string> urls;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (extensions.contains(entry.path().extension().string())) {
      urls.insert(prefix + entry.path().filename().string());
    }
  }
  return urls;
}

TEST(WebAssets, RootIsThePageWithItsSecurityPolicy) {
  const asset* page = find_asset("/");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->path, "/index.html");
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(page->is_page);
  EXPECT_NE(page->body.find("<script type=\"module\" src=\"app.js\">"), std::string_view::npos);
  EXPECT_EQ(find_asset("/index.html"), page);
  EXPECT_NE(page_security_policy.find("default-src 'self'"), std::string_view::npos);
}

TEST(WebAssets, ContentTypesByExtension) {
  ASSERT_NE(find_asset("/app.js"), nullptr);
  EXPECT_EQ(find_asset("/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_FALSE(find_asset("/app.js")->is_page);
  EXPECT_EQ(find_asset("/style.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(find_asset("/favicon.svg")->content_type, "image/svg+xml");
  ASSERT_NE(find_asset("/lib/index.js"), nullptr);
  EXPECT_NE(find_asset("/lib/index.js")->body.find("export { OdinStream }"),
            std::string_view::npos);
}

TEST(WebAssets, UnknownPathsAreNotFound) {
  for (const char* path : {"", "/ws", "/health", "/lib/", "/lib", "/app.js/", "/../index.html",
                           "/lib/../app.js", "/INDEX.HTML", "/index.html?x=1"}) {
    EXPECT_EQ(find_asset(path), nullptr) << path;
  }
}

TEST(WebAssets, EmbeddedTextsEqualTheFilesOnDisk) {
  std::set<std::string> expected =
      files_on_disk(ODIN_WEB_STATIC_DIR, "/", {".html", ".js", ".css", ".svg"});
  const std::set<std::string> lib = files_on_disk(ODIN_WEB_LIB_DIR, "/lib/", {".js"});
  expected.insert(lib.begin(), lib.end());
  std::set<std::string> embedded;
  for (const asset& a : assets()) {
    embedded.insert(std::string(a.path));
    const fs::path file = a.path.starts_with("/lib/")
                              ? fs::path(ODIN_WEB_LIB_DIR) / std::string(a.path.substr(5))
                              : fs::path(ODIN_WEB_STATIC_DIR) / std::string(a.path.substr(1));
    EXPECT_EQ(a.body, read_file(file)) << a.path << " differs from " << file;
  }
  EXPECT_EQ(embedded, expected);
  EXPECT_GE(embedded.size(), 6u + 9u);  // the page's files and the library's modules
}

}  // namespace
}  // namespace odin::web
