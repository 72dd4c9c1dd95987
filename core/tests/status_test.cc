#include "onus/core/status.h"

#include <gtest/gtest.h>

#include "onus/core/result.h"

namespace onus {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ONUS_ASSIGN_OR_RETURN(int h, Half(x));
  ONUS_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  ONUS_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(Status, OkByDefaultAndCarriesMessage) {
  EXPECT_TRUE(Status().ok());
  Status s = Status::NotFound("file 'x'");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not found: file 'x'");
  EXPECT_EQ(s.WithContext("reading").message(), "reading: file 'x'");
  EXPECT_EQ(Status::Ok().ToString(), "OK");
}

TEST(Result, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Half(3).value_or(-1), -1);
}

}  // namespace
}  // namespace onus
