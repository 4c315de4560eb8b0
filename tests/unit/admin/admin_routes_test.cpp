#include "admin/admin_routes.hpp"

#include <gtest/gtest.h>

namespace certgate::admin {
namespace {

AdminSources sources(std::string not_ready) {
  AdminSources s;
  s.not_ready_reason = [not_ready] { return not_ready; };
  s.scrape = [] { return std::string("certgate_x 1\n"); };
  return s;
}

TEST(AdminRoutes, Healthz) {
  auto r = route_admin("GET", "/healthz", sources("draining"));
  EXPECT_EQ(r.status, 200);  // alive even while not ready
  EXPECT_EQ(r.body, "ok\n");
}

TEST(AdminRoutes, ReadyzSaysWhyNot) {
  EXPECT_EQ(route_admin("GET", "/readyz", sources("")).status, 200);
  auto r = route_admin("GET", "/readyz", sources("listeners are not bound yet"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "not ready: listeners are not bound yet\n");
}

TEST(AdminRoutes, MetricsInTheTextFormat) {
  auto r = route_admin("HEAD", "/metrics?x=1", sources(""));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "certgate_x 1\n");
}

TEST(AdminRoutes, OnlyGetAndHeadOfKnownPaths) {
  auto post = route_admin("POST", "/metrics", sources(""));
  EXPECT_EQ(post.status, 405);
  EXPECT_TRUE(post.allow_header);
  EXPECT_EQ(route_admin("GET", "/", sources("")).status, 404);
  EXPECT_EQ(route_admin("GET", "/metrics/", sources("")).status, 404);
  EXPECT_EQ(route_admin("GET", "/healthz/../metrics", sources("")).status, 404);
}

}  // namespace
}  // namespace certgate::admin
