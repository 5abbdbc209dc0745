//===- AttrUtilsTest.cpp - f32 attribute views and window arithmetic ------===//
//
// Unit tests of SNNAttrUtils: one f32 view over inline and blob attributes,
// the size rule that chooses between them, and the conv/pool output size.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Dialect/SNN/IR/SNNDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace snnc::snn;

namespace {

TEST(WindowOutputSize, MatchesOnnxFloorMode) {
  EXPECT_EQ(windowOutputSize(28, 3, 1, 0, 0), 26);
  EXPECT_EQ(windowOutputSize(28, 3, 1, 1, 1), 28);
  EXPECT_EQ(windowOutputSize(26, 2, 2, 0, 0), 13);
  EXPECT_EQ(windowOutputSize(7, 2, 2, 0, 0), 3); // floor, not ceil
  EXPECT_EQ(windowOutputSize(7, 3, 1, 0, 0, /*dilation=*/2), 3);
  EXPECT_EQ(windowOutputSize(2, 3, 1, 0, 0), std::nullopt);
  EXPECT_EQ(windowOutputSize(2, 3, 1, 1, 0), 1);
  EXPECT_EQ(windowOutputSize(5, 3, 0, 0, 0), std::nullopt);
  EXPECT_EQ(windowOutputSize(5, 3, 1, -1, 0), std::nullopt);
}

TEST(F32Values, ReadsDenseSplatAndBlob) {
  MLIRContext context;
  auto type = RankedTensorType::get({2, 2}, Float32Type::get(&context));
  std::vector<float> data = {1, 2, 3, 4};

  FailureOr<F32Values> dense =
      F32Values::get(DenseElementsAttr::get(type, ArrayRef<float>(data)));
  ASSERT_TRUE(succeeded(dense));
  EXPECT_EQ(dense->values(), ArrayRef<float>(data));

  FailureOr<F32Values> splat =
      F32Values::get(DenseElementsAttr::get(type, 0.5f));
  ASSERT_TRUE(succeeded(splat));
  EXPECT_EQ(splat->size(), 4u);
  EXPECT_EQ((*splat)[3], 0.5f);

  std::vector<float> large(kInlineElementLimit);
  for (size_t i = 0; i < large.size(); ++i)
    large[i] = static_cast<float>(i);
  ElementsAttr blob =
      makeF32Attr(&context, {static_cast<int64_t>(large.size())}, large, "w");
  EXPECT_TRUE(isa<DenseResourceElementsAttr>(blob));
  FailureOr<F32Values> read = F32Values::get(blob);
  ASSERT_TRUE(succeeded(read));
  EXPECT_EQ(read->values(), ArrayRef<float>(large));

  ElementsAttr small = makeF32Attr(&context, {2, 2}, data, "s");
  EXPECT_TRUE(isa<DenseElementsAttr>(small));
}

TEST(F32Values, RejectsOtherElementTypes) {
  MLIRContext context;
  auto type = RankedTensorType::get({2}, Float64Type::get(&context));
  EXPECT_TRUE(failed(F32Values::get(
      DenseElementsAttr::get(type, ArrayRef<double>({1.0, 2.0})))));
}

TEST(FormatNumber, ReadsLikeTheModel) {
  EXPECT_EQ(formatNumber(0.0), "0");
  EXPECT_EQ(formatNumber(-0.5), "-0.5");
  EXPECT_EQ(formatNumber(1e-5), "1e-05");
  EXPECT_EQ(formatNumber(INFINITY), "inf");
}

} // namespace
