//===- IntegerFields.h - integer (Loihi) fields of model.bin ----*- C++ -*-===//
//
// Internal to SNNEmit: writes what snn-quantize-loihi attached (`snn.q.*`
// attributes) into the integer fields of model.bin (docs/fixed-point.md).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_EMIT_INTEGERFIELDS_H
#define SNNC_EMIT_INTEGERFIELDS_H

#include "snnc/Dialect/SNN/IR/SNNOps.h"
#include "snnc/modelbin/model.pb.h"

namespace snnc {

/// Replaces the float parameters of a quantised conv/dense/LIF layer by its
/// integer ones; leaves other layers alone.
void emitIntegerLayer(mlir::Operation *op, modelbin::Layer *layer);

/// The model-level fields (quantization, weight_bits, output_scale, the
/// per-layer quant_report) of a quantised network; nothing for a float one.
void emitIntegerModel(snn::NetworkOp network, modelbin::Model &model);

} // namespace snnc

#endif // SNNC_EMIT_INTEGERFIELDS_H
