// ICS decoders (Modbus/TCP, DNP3, IEC 60870-5-104): unit checks on frames and differential checks
// on real captures against Zeek's modbus.log/dnp3.log baselines and tshark's IEC-104 dissector.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "decoders/dnp3/dnp3.h"
#include "decoders/iec104/iec104.h"
#include "decoders/modbus/modbus.h"
#include "decoders/pcap/tests/capture_test_util.h"

namespace onus::ingest {
namespace {

using namespace capture_testing;  // NOLINT

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// Column `name` of every row of a Zeek TSV log.
std::vector<std::string> ZeekColumn(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  std::string line;
  int col = -1;
  std::vector<std::string> out;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, '\t')) f.push_back(x);
    if (!f.empty() && f[0] == "#fields") {
      for (size_t i = 1; i < f.size(); ++i)
        if (f[i] == name) col = static_cast<int>(i) - 1;
      continue;
    }
    if (line.empty() || line[0] == '#' || col < 0 || static_cast<size_t>(col) >= f.size()) continue;
    out.push_back(f[static_cast<size_t>(col)]);
  }
  return out;
}

std::vector<std::string> IcsFunctions(const CaptureRun& run, const std::string& proto, bool upper = true) {
  std::vector<std::string> v;
  for (auto& o : run.sink.Of(ObservationKind::kIcs))
    if (o.ics_protocol == proto) v.push_back(upper ? Upper(o.function) : o.function);
  return v;
}

const std::string kBaselines = std::string(ONUS_SHARED_DIR) + "/data/logs/zeek/baselines/";

TEST(Modbus, FramesAndCommands) {
  const uint8_t write[] = {0, 1, 0, 0, 0, 6, 1, 6, 0, 10, 0, 99};
  detail::ModbusFrame f;
  ASSERT_EQ(detail::ModbusFrameLength(write, sizeof(write)), 12);
  ASSERT_TRUE(detail::ParseModbusFrame(write, sizeof(write), f));
  EXPECT_EQ(f.function, 6);
  EXPECT_TRUE(detail::ModbusIsCommand(f));
  EXPECT_STREQ(detail::ModbusFunctionName(6), "write_single_register");
  EXPECT_EQ(detail::ModbusFrameLength(write, 11), 0);  // needs more
  const uint8_t bad_proto[] = {0, 1, 0, 7, 0, 6, 1, 3, 0, 0, 0, 1};
  EXPECT_EQ(detail::ModbusFrameLength(bad_proto, sizeof(bad_proto)), -1);
  const uint8_t restart[] = {0, 1, 0, 0, 0, 6, 1, 8, 0, 1, 0, 0};
  ASSERT_TRUE(detail::ParseModbusFrame(restart, sizeof(restart), f));
  EXPECT_TRUE(detail::ModbusIsCommand(f));
}

TEST(Modbus, RequestsAgreeWithZeekModbusLog) {
  CaptureRun run;
  RunCapture(SharedPcap("ics/zeek/modbus/modbus-and-non-modbus-p502.pcap"), run);
  ASSERT_TRUE(run.status.ok());
  auto funcs = ZeekColumn(kBaselines + "scripts.base.protocols.modbus.modbus_and_non_modbus_on_port_502/modbus.log", "func");
  auto kinds = ZeekColumn(kBaselines + "scripts.base.protocols.modbus.modbus_and_non_modbus_on_port_502/modbus.log", "pdu_type");
  ASSERT_EQ(funcs.size(), kinds.size());
  std::vector<std::string> requests;
  for (size_t i = 0; i < funcs.size(); ++i)
    if (kinds[i] == "REQ") requests.push_back(funcs[i]);
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(IcsFunctions(run, "modbus"), requests);
  int commands = 0;
  for (auto& o : run.sink.Of(ObservationKind::kIcs)) commands += o.is_command;
  EXPECT_EQ(commands, 3);  // two write_single_coil, one write_single_register
}

TEST(Dnp3, CrcAndFrameLength) {
  // A link-layer header: 05 64 05 C0 01 00 00 04 + CRC.
  uint8_t h[10] = {0x05, 0x64, 0x05, 0xC0, 0x01, 0x00, 0x00, 0x04, 0, 0};
  uint16_t crc = detail::Dnp3Crc(h, 8);
  h[8] = static_cast<uint8_t>(crc);
  h[9] = static_cast<uint8_t>(crc >> 8);
  EXPECT_EQ(detail::Dnp3FrameLength(h, 10), 10);
  detail::Dnp3Frame f;
  const char* err = nullptr;
  EXPECT_TRUE(detail::ParseDnp3Frame(h, 10, f, &err));
  EXPECT_FALSE(f.has_app);
  h[9] ^= 1;
  EXPECT_FALSE(detail::ParseDnp3Frame(h, 10, f, &err));
  EXPECT_STREQ(err, "dnp3_bad_header_crc");
  const uint8_t bad_len[] = {0x05, 0x64, 0x02};
  EXPECT_EQ(detail::Dnp3FrameLength(bad_len, 3), -1);
  EXPECT_TRUE(detail::Dnp3IsCommand(5));   // direct operate
  EXPECT_TRUE(detail::Dnp3IsCommand(27));  // delete file
  EXPECT_FALSE(detail::Dnp3IsCommand(1));  // read
}

TEST(Dnp3, RequestsAgreeWithZeekDnp3Logs) {
  struct Case {
    const char* baseline;
    const char* pcap;
  } cases[] = {
      {"dnp3_del_measure", "ics/zeek/dnp3/dnp3_del_measure.pcap"},
      {"dnp3_en_spon", "ics/ITI_ICS-Security-Tools/bro/dnp3/dnp3_en_spon.pcap"},
      {"dnp3_file_del", "ics/ITI_ICS-Security-Tools/bro/dnp3/dnp3_file_del.pcap"},
      {"dnp3_file_read", "ics/zeek/dnp3/dnp3_file_read.pcap"},
      {"dnp3_file_write", "ics/ITI_ICS-Security-Tools/bro/dnp3/dnp3_file_write.pcap"},
      {"dnp3_read", "ics/zeek/dnp3/dnp3_read.pcap"},
      {"dnp3_rec_time", "ics/zeek/dnp3/dnp3_rec_time.pcap"},
      {"dnp3_udp_read", "ics/zeek/dnp3/dnp3_udp_read.pcap"},
      {"dnp3_udp_select_operate", "ics/zeek/dnp3/dnp3_udp_select_operate.pcap"},
      {"dnp3_write", "ics/zeek/dnp3/dnp3_write.pcap"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.baseline);
    std::vector<std::string> want;
    for (auto& f : ZeekColumn(kBaselines + "scripts.base.protocols.dnp3." + c.baseline + "/dnp3.log", "fc_request"))
      if (f != "-") want.push_back(f);
    ASSERT_FALSE(want.empty());
    CaptureRun run;
    RunCapture(SharedPcap(c.pcap), run);
    ASSERT_TRUE(run.status.ok());
    EXPECT_EQ(IcsFunctions(run, "dnp3"), want);
  }
}

TEST(Dnp3, OperateIsACommand) {
  CaptureRun run;
  RunCapture(SharedPcap("ics/zeek/dnp3/dnp3_udp_select_operate.pcap"), run);
  ASSERT_TRUE(run.status.ok());
  std::map<std::string, bool> cmd;
  for (auto& o : run.sink.Of(ObservationKind::kIcs)) cmd[o.function] = o.is_command;
  EXPECT_TRUE(cmd["select"]);
  EXPECT_TRUE(cmd["operate"]);
  EXPECT_FALSE(cmd["read"]);
}

TEST(Iec104, Frames) {
  const uint8_t i_frame[] = {0x68, 0x0E, 0x00, 0x00, 0x00, 0x00, 45, 0x01, 0x06, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01};
  detail::Iec104Frame f;
  ASSERT_TRUE(detail::ParseIec104Frame(i_frame, sizeof(i_frame), f));
  EXPECT_EQ(f.format, 'I');
  EXPECT_EQ(f.type_id, 45);
  EXPECT_EQ(f.cause, 6);
  EXPECT_STREQ(detail::Iec104TypeName(45), "C_SC_NA_1");
  EXPECT_TRUE(detail::Iec104IsCommand(45));
  const uint8_t u_frame[] = {0x68, 0x04, 0x07, 0x00, 0x00, 0x00};
  ASSERT_TRUE(detail::ParseIec104Frame(u_frame, sizeof(u_frame), f));
  EXPECT_EQ(f.format, 'U');
  const uint8_t bad[] = {0x68, 0x02};
  EXPECT_EQ(detail::Iec104FrameLength(bad, 2), -1);
}

// Type ids of each well-formed ASDU, as tshark's iec60870_asdu dissector reports them (the
// captures hold deliberately malformed APDUs, which both sides reject).
TEST(Iec104, TypeIdsAgreeWithTshark) {
  if (std::system("tshark -v >/dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  for (const char* rel : {"ics/ITI_ICS-Security-Tools/IEC60870-5-104/TestDissectIec104.pcap",
                          "ics/ITI_ICS-Security-Tools/IEC60870-5-104/JavaRMI_and_IEC_Misc.pcap"}) {
    SCOPED_TRACE(rel);
    const std::string path = SharedPcap(rel);
    std::string cmd = "tshark -n -r '" + path + "' -Y 'iec60870_asdu && !_ws.malformed' -T fields -e iec60870_asdu.typeid 2>/dev/null";
    std::multiset<int> ref;
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[4096];
    while (std::fgets(buf, sizeof(buf), p)) {
      std::stringstream ss(buf);
      std::string x;
      while (std::getline(ss, x, ',')) {
        if (!x.empty() && x != "\n") ref.insert(std::stoi(x));
      }
    }
    pclose(p);
    CaptureRun run;
    RunCapture(path, run);
    ASSERT_TRUE(run.status.ok());
    std::multiset<int> ours;
    for (auto& o : run.sink.Of(ObservationKind::kIcs))
      if (o.ics_protocol == "iec104") ours.insert(static_cast<int>(o.function_code));
    EXPECT_FALSE(ref.empty());
    EXPECT_EQ(ours, ref);
  }
}

}  // namespace
}  // namespace onus::ingest
