// SCADA/EMS event JSON lines → kind grid.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/ingest_test_util.h"

namespace onus::ingest {
namespace {

using testing::DataPath;
using testing::Ingest;

TEST(Grid, EventsAndBadLines) {
  auto r = Ingest({DataPath("scada_events.jsonl")});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  EXPECT_EQ(r->run.inputs[0].format, InputFormat::kGridJsonl);
  auto g = r->sink.OfKind(ObservationKind::kGrid);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0]->site, "GRID-TX");
  EXPECT_EQ(g[0]->asset, "S7-220kV-CB3");
  EXPECT_EQ(g[0]->grid_event, "command");
  EXPECT_EQ(g[0]->command, "open");
  EXPECT_EQ(g[0]->initiator, "operator");
  EXPECT_EQ(g[0]->console, "10.40.129.30");
  EXPECT_EQ(FormatRfc3339(g[0]->ts), "2021-06-15T09:02:11.000000Z");
  EXPECT_EQ(g[1]->grid_event, "trip");
  EXPECT_NE(g[1]->raw.find("distance zone 1"), std::string::npos);  // extra fields kept in raw
  EXPECT_EQ(FormatRfc3339(g[1]->ts), "2021-06-16T13:41:52.310000Z");
  EXPECT_EQ(FormatRfc3339(g[2]->ts), "2021-06-16T13:43:20.500000Z");  // epoch ts
  EXPECT_EQ(g[2]->src.record, 3u);
  // line 4 lacks asset, line 5 is not JSON
  EXPECT_EQ(r->run.stats.malformed, 2u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kAnomaly).size(), 2u);
}

TEST(Grid, ScenarioFile) {
  std::string p = testing::SharedPath("data/scenarios/portgrid/grid/GRID-TX/scada_events.jsonl");
  if (!std::filesystem::exists(p)) GTEST_SKIP();
  auto r = Ingest({p});
  ASSERT_TRUE(r->status.ok());
  EXPECT_GT(r->sink.all.size(), 0u);
  EXPECT_EQ(r->run.stats.malformed, 0u);
  for (const auto& o : r->sink.all) {
    EXPECT_EQ(o.kind, ObservationKind::kGrid);
    EXPECT_FALSE(o.site.empty());
  }
}

}  // namespace
}  // namespace onus::ingest
