#include "h2/request_head.hpp"

#include <gtest/gtest.h>

namespace certgate::h2 {
namespace {
namespace http = boost::beast::http;

Fields base() {
  return Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "/x?y=1"}};
}

Fields with(Fields f, std::string name, std::string value) {
  f.emplace_back(std::move(name), std::move(value));
  return f;
}

void refused(const Fields& f, int status = 400) {
  TranslatedRequest t = translate_request(f);
  EXPECT_FALSE(t.head);
  EXPECT_EQ(t.status, status) << t.reason;
  EXPECT_FALSE(t.reason.empty());
}

TEST(H2RequestHead, TranslatesPseudoHeadersIntoAnHttp11Head) {
  TranslatedRequest t = translate_request(with(with(with(base(), "cookie", "a=1"), "accept", "*/*"), "cookie", "b=2"));
  ASSERT_TRUE(t.head) << t.reason;
  EXPECT_EQ(t.head->method_string(), "GET");
  EXPECT_EQ(t.head->target(), "/x?y=1");
  EXPECT_EQ(t.head->version(), 11u);
  EXPECT_EQ((*t.head)[http::field::host], "a.test");
  EXPECT_EQ((*t.head)[http::field::cookie], "a=1; b=2");
  EXPECT_EQ((*t.head)[http::field::accept], "*/*");
}

TEST(H2RequestHead, HostStandsInForAMissingAuthorityAndMustAgreeWithIt) {
  Fields no_authority{{":method", "GET"}, {":scheme", "https"}, {":path", "/"}, {"host", "b.test"}};
  TranslatedRequest t = translate_request(no_authority);
  ASSERT_TRUE(t.head) << t.reason;
  EXPECT_EQ((*t.head)[http::field::host], "b.test");
  EXPECT_TRUE(translate_request(with(base(), "host", "A.TEST")).head);
  refused(with(base(), "host", "other.test"));
  refused(with(with(base(), "host", "a.test"), "host", "a.test"));
  refused(Fields{{":method", "GET"}, {":scheme", "https"}, {":path", "/"}});
}

TEST(H2RequestHead, RefusesMalformedFieldNamesAndValues) {
  refused(with(base(), "X-Upper", "1"));
  refused(with(base(), "bad name", "1"));
  refused(with(base(), "bad:name", "1"));
  refused(with(base(), "", "1"));
  refused(with(base(), "x-a", "1\r\nx-b: 2"));
  refused(with(base(), "x-a", std::string("1\0002", 3)));
  refused(with(base(), "x-a", "1\n"));
  refused(with(base(), "x-a", " 1"));
  refused(with(base(), "x-a", "1\t"));
  EXPECT_TRUE(translate_request(with(base(), "x-a", "1 2")).head);
}

TEST(H2RequestHead, RefusesConnectionSpecificFields) {
  for (const char* name : {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}) {
    refused(with(base(), name, "chunked"));
  }
  refused(with(base(), "te", "gzip"));
  refused(with(base(), "te", "trailers, gzip"));
  EXPECT_TRUE(translate_request(with(base(), "te", "trailers")).head);
}

TEST(H2RequestHead, RefusesPseudoHeaderMisuse) {
  refused(Fields{{":method", "GET"}, {"x-a", "1"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "/"}});
  refused(with(base(), ":path", "/again"));
  refused(Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "/"}, {":status", "200"}});
  refused(Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}});
  refused(Fields{{":scheme", "https"}, {":authority", "a.test"}, {":path", "/"}});
  refused(Fields{{":method", "GET"}, {":authority", "a.test"}, {":path", "/"}});
  refused(Fields{{":method", "GET"}, {":scheme", "http"}, {":authority", "a.test"}, {":path", "/"}});
  refused(Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", ""}});
  refused(Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "x"}});
  refused(Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "*"}});
  refused(Fields{{":method", "G T"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "/"}});
  refused(Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "u@a.test"}, {":path", "/"}});
  refused(Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test\r\n"}, {":path", "/"}});
  EXPECT_TRUE(
      translate_request(Fields{{":method", "OPTIONS"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "*"}})
          .head);
}

TEST(H2RequestHead, ConnectIsNotImplemented) {
  refused(Fields{{":method", "CONNECT"}, {":authority", "a.test:443"}}, 501);
}

TEST(H2RequestHead, BodyFramingIsCertgatesOwn) {
  auto head_of = [](Fields f) { return *translate_request(f).head; };
  http::request_header<> none = head_of(base());
  set_body_framing(none, true, true, 0);
  EXPECT_EQ(none.count(http::field::content_length) + none.count(http::field::transfer_encoding), 0u);

  http::request_header<> declared = head_of(with(base(), "content-length", "5"));
  set_body_framing(declared, false, false, 2);
  EXPECT_EQ(declared[http::field::content_length], "5");

  http::request_header<> whole = head_of(base());
  set_body_framing(whole, false, true, 7);
  EXPECT_EQ(whole[http::field::content_length], "7");

  http::request_header<> streamed = head_of(base());
  set_body_framing(streamed, false, false, 7);
  EXPECT_EQ(streamed[http::field::transfer_encoding], "chunked");
  EXPECT_EQ(streamed.count(http::field::content_length), 0u);
}

TEST(H2RequestHead, TrailersKeepOnlyWhatAnUpstreamMayReceive) {
  const h1::HeaderRules rules = h1::HeaderRules::build(config::HeaderNames{}, {});
  std::optional<Fields> t =
      forwardable_trailers(Fields{{"grpc-status", "0"}, {"x-client-identity", "forged"}, {"content-length", "1"}},
                           rules);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ(t->front().first, "grpc-status");
  EXPECT_FALSE(forwardable_trailers(Fields{{":status", "200"}}, rules));
  EXPECT_FALSE(forwardable_trailers(Fields{{"x-a", "1\r\n2"}}, rules));
  EXPECT_FALSE(forwardable_trailers(Fields{{"X-A", "1"}}, rules));
}

}  // namespace
}  // namespace certgate::h2
