// The server's path (want_trace = false) may allocate only the strings it returns. Counted with a
// replacement operator new that records only while a test on this thread asks it to.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "core_test_support.hpp"

namespace {
thread_local bool g_counting = false;
thread_local int g_allocations = 0;
}  // namespace

// noinline: once inlined, GCC pairs the malloc/free inside with the new/delete expressions and warns.
[[gnu::noinline]] void* operator new(std::size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { ::operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { ::operator delete(p); }
// The nothrow forms too (std::stable_sort's temporary buffer uses them): every form that the replaced
// operator delete frees must come from malloc, or a sanitizer sees new-vs-free.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (g_counting) ++g_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
void operator delete(void* p, const std::nothrow_t&) noexcept { ::operator delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { ::operator delete(p); }

namespace certgate::core {
namespace {

using namespace test_support;

int allocations_of_decide(const CompiledPolicy& policy, const CertDigest& cert) {
  g_allocations = 0;
  g_counting = true;
  const Decision d = decide(policy, &cert, verified(), false);
  g_counting = false;
  EXPECT_TRUE(d.admitted || d.status == 403);
  return g_allocations;
}

TEST(DecideAllocations, HotPathAllocatesOnlyReturnedStrings) {
  // Names short enough for the small-string buffer; several rules fail before the winning mapping.
  std::vector<ManyToOneMapping> mappings;
  for (const char* ou : {"Sales", "Legal", "Finance", "Support"}) {
    mappings.push_back(allow(std::string("m-") + ou, "u", {subject("O", "Contoso"), subject("OU", ou, false),
                                                            issuer("CN", "*CA*")}));
  }
  mappings.push_back(allow("ops", "OPS", {subject("O", "Contoso"), subject("OU", "*ops*", false)}));
  MappingPolicy policy = many_to_one_policy(std::move(mappings));
  OneToOneMapping other;
  other.name = "other";
  other.der = "some other certificate";
  other.user = "OTHER";
  policy.one_to_one.push_back(other);
  const auto compiled = compile(policy);
  const CertDigest cert = make_digest({{"O", "Contoso"}, {"OU", "Engineering"}, {"OU", "DevOps"}, {"CN", "svc"}});

  // At most identity, mapping and reason may need heap memory; the reason is the only long one here.
  EXPECT_LE(allocations_of_decide(*compiled, cert), 1);
  EXPECT_EQ(decide(*compiled, &cert, verified()).identity, "OPS");
}

TEST(DecideAllocations, OneToOneHitDoesNotAllocateForTheLookup) {
  const CertDigest cert = make_digest({{"CN", "svc"}});
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("svc", cert, "SVC")};
  const auto compiled = compile(policy);
  EXPECT_LE(allocations_of_decide(*compiled, cert), 1);
}

TEST(DecideAllocations, CounterSeesAllocations) {
  // Guards the two tests above: the counter must actually observe heap use.
  g_allocations = 0;
  g_counting = true;
  auto* leaked_on_purpose = new std::string(100, 'x');
  g_counting = false;
  delete leaked_on_purpose;
  EXPECT_GE(g_allocations, 1);
}

}  // namespace
}  // namespace certgate::core
