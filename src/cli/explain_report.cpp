#include "cli/explain_report.hpp"

#include "cli/cert_report.hpp"
#include "core/mapping_mode.hpp"
#include "core/time_text.hpp"
#include "http/status_text.hpp"

namespace certgate::cli {
namespace {

using json = nlohmann::ordered_json;
using Kind = core::TraceStep::Kind;

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::mode: return "mode";
    case Kind::mapping_mode: return "mapping_mode";
    case Kind::verify: return "verify";
    case Kind::one_to_one: return "one_to_one";
    case Kind::mapping: return "mapping";
    case Kind::rule: return "rule";
    case Kind::anonymous: return "anonymous";
    case Kind::cause: return "cause";
    case Kind::result: return "result";
  }
  return "unknown";
}

const core::TraceStep* first_of(const core::Decision& decision, Kind kind) {
  for (const core::TraceStep& step : decision.trace) {
    if (step.kind == kind) return &step;
  }
  return nullptr;
}

std::string block_text(const ExplainInput& input) {
  const config::HostPolicy& block = *input.block;
  std::string text = "'" + block.name + "'";
  if (block.server_names.empty()) {
    text += " (the [tls] block";
  } else {
    std::string names;
    for (const std::string& name : block.server_names) names += (names.empty() ? "" : ", ") + name;
    text += " (names " + names;
  }
  if (!input.requested_host) {
    text += "; no --host given)";
  } else {
    text += "; serves --host " + *input.requested_host + ")";
  }
  return text;
}

std::string anchors_text(const ExplainInput& input) {
  const config::TlsSettings& tls = input.block->tls;
  std::string sources;
  for (const std::string& file : tls.client_ca) sources += (sources.empty() ? "" : ", ") + file;
  std::string text = std::to_string(input.trust->anchors().size()) + " trust anchor" +
                     (input.trust->anchors().size() == 1 ? "" : "s");
  if (!sources.empty()) text += " from " + sources;
  text += "; verify_depth " + std::to_string(tls.verify_depth);
  text += "; " + std::to_string(input.trust->crls().size()) + " CRL" + (input.trust->crls().size() == 1 ? "" : "s");
  // The server asks OCSP responders after the handshake; explain decides offline.
  if (tls.ocsp != config::OcspMode::off) text += "; ocsp " + std::string(config::to_string(tls.ocsp)) + " (not asked here)";
  return text;
}

std::string verify_text(const core::VerifyResult& verify) {
  if (verify.status == core::VerifyStatus::ok) return verify.warning.empty() ? "ok" : "ok, with a warning: " + verify.warning;
  std::string text = "FAILED, " + std::string(core::to_string(verify.status)) + ": " + verify.reason;
  if (verify.depth >= 0) text += " (depth " + std::to_string(verify.depth) + ")";
  text += " [OpenSSL error " + std::to_string(verify.code) + "]";
  return text;
}

void print_cause(std::ostream& out, const core::Cause& cause) {
  if (cause.empty()) return;
  out << "  cause: " << cause.text << "\n";
  if (!cause.fix.empty()) out << "  fix:   " << cause.fix << "\n";
}

json cause_json(const core::Cause& cause) {
  if (cause.empty()) return nullptr;
  return json{{"id", cause.id}, {"text", cause.text}, {"fix", cause.fix}};
}

std::string decision_line(const core::Decision& decision) {
  if (decision.admitted) return "200 admitted";
  std::string line = decision.status_text() + " " + http_status::describe(decision.status, decision.substatus);
  if (decision.would_refuse()) line += " (report-only: let through, logged as would_refuse=" + decision.status_text() + ")";
  return line;
}

void print_chain(std::ostream& out, const ExplainInput& input) {
  for (const tls::ChainLink& link : input.chain.chain) {
    out << "  depth " << link.depth << "  " << link.subject;
    if (link.trust_anchor) {
      out << "  [trust anchor]";
    } else {
      out << "  (issued by " << link.issuer << ")";
    }
    out << "\n           valid " << core::format_utc(link.not_before) << " .. " << core::format_utc(link.not_after)
        << "\n";
  }
  for (const tls::ChainProblem& problem : input.chain.problems) {
    out << "  problem at depth " << problem.depth << ": " << problem.reason;
    if (!problem.rule.empty()) {  // the reason names the certificate already
      out << " [certgate rule]\n";
      continue;
    }
    out << " [OpenSSL error " << problem.code << "]" << (problem.subject.empty() ? "" : " (" + problem.subject + ")")
        << "\n";
  }
}

// The configured mapping a trace step is about (for its position), or null for the trace's own entries
// ("(chain)", "many-to-one"). Mapping names are unique within a block.
const core::ManyToOneMapping* source_mapping(const ExplainInput& input, const core::TraceStep& step) {
  const bool configured = step.actual.starts_with("allow as ") || step.actual == "deny" || step.actual == "disabled";
  if (!configured) return nullptr;
  for (const core::ManyToOneMapping& mapping : input.block->mapping.many_to_one) {
    if (mapping.name == step.label) return &mapping;
  }
  return nullptr;
}

// Position of the one-to-one mapping that admitted the certificate ("" when none did).
std::string one_to_one_position(const ExplainInput& input) {
  const core::Decision& decision = input.decision;
  for (const core::OneToOneMapping& mapping : input.block->mapping.one_to_one) {
    if (decision.admitted && mapping.name == decision.mapping && mapping.user == decision.identity) {
      return mapping.where.to_string();
    }
  }
  return "";
}

// Position of the rule_index-th rule of a mapping ("" when unknown).
std::string rule_position(const core::ManyToOneMapping* mapping, std::size_t rule_index) {
  if (mapping == nullptr || rule_index >= mapping->rules.size()) return "";
  const std::string where = mapping->rules[rule_index].where.to_string();
  return where.empty() ? mapping->where.to_string() : where;
}

void print_rule(std::ostream& out, const core::TraceStep& rule, const std::string& position) {
  out << "      " << (rule.matched ? "match     " : "NO MATCH  ") << rule.label
      << (position.empty() ? "" : "   (" + position + ")") << "\n"
      << "                certificate: " << rule.actual << "\n";
  if (!rule.hint.empty()) out << "                " << rule.hint << "\n";
}

void print_mappings(std::ostream& out, const ExplainInput& input) {
  const auto& trace = input.decision.trace;
  bool any = false;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const core::TraceStep& step = trace[i];
    if (step.kind != Kind::mapping) continue;
    if (step.label == core::kChainOnlyMapping && source_mapping(input, step) == nullptr) {
      out << "\nChain-only (chain_only = true)\n  identity " << step.actual << ": "
          << (step.matched ? "admitted" : "REFUSED") << "\n  " << step.note << "\n";
      any = true;
      continue;
    }
    if (!any) out << "\nMany-to-one mappings, in order (the first that matches decides)\n";
    any = true;
    const core::ManyToOneMapping* source = source_mapping(input, step);
    const std::string where = source ? source->where.to_string() : "";
    out << "  '" << step.label << "' (" << step.actual << ")" << (where.empty() ? "" : " at " + where) << ": "
        << (step.matched ? "MATCH" : step.actual == "disabled" ? "skipped" : "no match") << "\n";
    for (std::size_t j = i + 1; j < trace.size() && trace[j].kind == Kind::rule; ++j) {
      print_rule(out, trace[j], rule_position(source, j - i - 1));
    }
    out << "    " << step.note << "\n";
  }
  const core::Decision& decision = input.decision;
  if (!any && first_of(decision, Kind::one_to_one) == nullptr) {
    const core::TraceStep* verify = first_of(decision, Kind::verify);
    const core::TraceStep* mode = first_of(decision, Kind::mapping_mode);
    const bool reached = verify != nullptr && verify->matched;
    if (reached && mode != nullptr && mode->actual == core::to_string(core::MappingMode::none)) {
      out << "\nMappings\n  none configured, and chain_only is not set: no certificate gets an identity\n";
    } else {
      out << "\nMappings\n  not consulted: the decision was made before them\n";
    }
  }
}

// The trace, with each mapping's rule steps nested under it and configuration positions added.
json trace_json(const ExplainInput& input) {
  json steps = json::array();
  const core::ManyToOneMapping* source = nullptr;
  std::size_t rule_index = 0;
  for (const core::TraceStep& step : input.decision.trace) {
    json item = {{"kind", kind_name(step.kind)},
                 {"label", step.label},
                 {"actual", step.actual},
                 {"matched", step.matched},
                 {"note", step.note}};
    if (step.kind == Kind::rule) item["hint"] = step.hint;
    if (step.kind == Kind::rule && !steps.empty() && steps.back()["kind"] == "mapping") {
      item["position"] = rule_position(source, rule_index++);
      steps.back()["rules"].push_back(std::move(item));
      continue;
    }
    if (step.kind == Kind::one_to_one && step.matched) item["position"] = one_to_one_position(input);
    if (step.kind == Kind::mapping) {
      source = source_mapping(input, step);
      rule_index = 0;
      item["position"] = source ? source->where.to_string() : "";
      item["rules"] = json::array();
    }
    steps.push_back(std::move(item));
  }
  return steps;
}

}  // namespace

void print_explain(std::ostream& out, const ExplainInput& input) {
  const core::Decision& decision = input.decision;
  out << "Certificate  " << input.cert_file << "\n";
  print_cert(out, input.leaf, input.at, "  ");
  if (!input.sent_chain.empty()) {
    out << "  Sent with it (untrusted intermediates):\n";
    for (const std::string& subject : input.sent_chain) out << "    " << subject << "\n";
  }

  out << "\nHost block   " << block_text(input) << "\n";
  out << "Evaluated at " << core::format_utc(input.at) << (input.at_given ? " (--at)" : " (now)") << "\n";
  if (const core::TraceStep* mode = first_of(decision, Kind::mode)) {
    out << "Mode         " << mode->actual << ": " << mode->note << "\n";
  }
  if (const core::TraceStep* mapping = first_of(decision, Kind::mapping_mode)) {
    out << "Mapping      " << mapping->note << "\n";
  }

  out << "\nChain verification (" << anchors_text(input) << ")\n";
  if (input.block->tls.mode == core::ClientCertMode::ignore) {
    out << "  (mode ignore: the gateway requests no certificate; shown for information only)\n";
  }
  print_chain(out, input);
  out << "  result: " << verify_text(input.verify) << "\n";
  if (const core::TraceStep* verify = first_of(decision, Kind::verify)) out << "  " << verify->note << "\n";

  if (const core::TraceStep* one = first_of(decision, Kind::one_to_one)) {
    out << "\nOne-to-one mappings (checked first)\n  " << (one->matched ? "MATCH" : "no match") << ": " << one->note
        << "\n  certificate " << one->actual << "\n";
    if (const std::string where = one->matched ? one_to_one_position(input) : ""; !where.empty()) {
      out << "  mapping at " << where << "\n";
    }
  }
  print_mappings(out, input);
  if (const core::TraceStep* anonymous = first_of(decision, Kind::anonymous)) {
    out << "\nAnonymous access " << anonymous->actual << "\n  " << anonymous->note << "\n";
  }

  out << "\nDecision\n  " << decision_line(decision) << "\n";
  if (const core::TraceStep* result = first_of(decision, Kind::result)) out << "  " << result->note << "\n";
  print_cause(out, decision.cause);
  if (!decision.lets_through() && input.config->reject == config::RejectMode::handshake) {
    out << "  (reject = handshake: the gateway aborts the TLS handshake with an alert instead of answering "
        << decision.status_text() << ")\n";
  }

  out << "\nHeaders sent upstream\n";
  if (input.headers.empty()) out << "  none: the request does not reach the upstream\n";
  for (const auto& [name, value] : input.headers) out << "  " << name << ": " << value << "\n";
}

nlohmann::ordered_json explain_json(const ExplainInput& input) {
  const core::Decision& decision = input.decision;
  json chain = json::array();
  for (const tls::ChainLink& link : input.chain.chain) {
    chain.push_back({{"depth", link.depth},
                     {"subject", link.subject},
                     {"issuer", link.issuer},
                     {"not_before", core::format_utc(link.not_before)},
                     {"not_after", core::format_utc(link.not_after)},
                     {"trust_anchor", link.trust_anchor}});
  }
  json problems = json::array();
  for (const tls::ChainProblem& problem : input.chain.problems) {
    problems.push_back(
        {{"depth", problem.depth},
         {"code", problem.code},
         {"reason", problem.reason},
         {"subject", problem.subject},
         {"rule", problem.rule.empty() ? json(nullptr) : json(problem.rule)}});
  }
  json headers = json::array();
  for (const auto& [name, value] : input.headers) headers.push_back({{"name", name}, {"value", value}});

  return json{
      {"certificate", cert_json(input.leaf, input.at)},
      {"sent_chain", input.sent_chain},
      {"host", {{"block", input.block->name},
                {"server_names", input.block->server_names},
                {"requested", input.requested_host ? json(*input.requested_host) : json(nullptr)}}},
      {"evaluated_at", core::format_utc(input.at)},
      {"evaluated_at_unix", input.at},
      {"mode", core::to_string(input.block->tls.mode)},
      {"verification",
       {{"status", core::to_string(input.verify.status)},
        {"code", input.verify.code},
        {"depth", input.verify.depth},
        {"reason", input.verify.reason},
        {"warning", input.verify.warning},
        {"cause", cause_json(input.verify.cause)},
        {"chain", std::move(chain)},
        {"problems", std::move(problems)}}},
      {"decision",
       {{"admitted", decision.admitted},
        {"status", decision.status},
        {"substatus", decision.substatus},
        {"status_text", decision.status_text()},
        {"description", decision.admitted ? std::string("OK") : http_status::describe(decision.status, decision.substatus)},
        {"identity", decision.identity},
        {"mapping", decision.mapping},
        {"reason", decision.reason},
        {"cause", cause_json(decision.cause)},
        {"log_reason", decision.log_reason()},
        {"enforced", decision.enforced},
        {"would_refuse", decision.would_refuse() ? json(decision.status_text()) : json(nullptr)}}},
      {"upstream_headers", std::move(headers)},
      {"trace", trace_json(input)},
  };
}

}  // namespace certgate::cli
