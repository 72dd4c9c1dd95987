// DNS message parsing (RFC 1035 wire format) and the dns application decoder (UDP and TCP).
// Contract: ParseDnsMessage() reads only inside [data, data + len); names are limited to 255
// bytes and compression pointers must point strictly backwards (at most 64 jumps), so hostile
// messages cannot loop. Non-printable bytes, backslashes and dots inside a label are written as
// \xNN, so a name reads back unambiguously. The decoder pairs a response
// with its query by transaction id and emits one dns observation per pair (Zeek's dns.log): ts
// and provenance of the query, rcode and answers of the response; an unanswered query is emitted
// when the flow ends, a response without a seen query on its own.
// Thread-safety: pure function; a decoder belongs to one flow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "onus/ingest/observation.h"

namespace onus::ingest::detail {

struct DnsMessage {
  uint16_t id = 0;
  bool is_response = false;
  uint8_t opcode = 0;
  uint8_t rcode = 0;
  uint16_t qdcount = 0, ancount = 0;
  bool has_question = false;
  std::string qname;
  uint16_t qtype = 0, qclass = 0;
  std::vector<DnsAnswer> answers;  // A, AAAA, CNAME, TXT, NS, PTR, MX (others skipped)
};

// Returns false (with a static reason in *error) when the header or question is unusable.
// Answers that are cut or malformed end the answer list (the message is still returned).
bool ParseDnsMessage(const uint8_t* data, size_t len, DnsMessage& out, const char** error);

const char* DnsTypeName(uint16_t qtype);    // "A", "AAAA", ... or nullptr when unknown
const char* DnsRcodeName(uint16_t rcode);   // "NOERROR", "NXDOMAIN", ... or nullptr
// Names for the observation; an unknown value is written as its decimal number.
std::string DnsTypeText(uint16_t qtype);
std::string DnsRcodeText(uint16_t rcode);

}  // namespace onus::ingest::detail
