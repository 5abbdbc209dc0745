//===- SNNOps.td - snn dialect operations ------------------*- tablegen -*-===//
//
// Operations of the `snn` dialect. Every rule a verifier enforces is listed in
// the op's description and tested in test/Dialect/SNN/invalid.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_DIALECT_SNN_IR_SNNOPS_TD
#define SNNC_DIALECT_SNN_IR_SNNOPS_TD

include "snnc/Dialect/SNN/IR/SNNBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

def SNN_NetworkOp : SNN_Op<"network", [
    FunctionOpInterface, IsolatedFromAbove, SingleBlock]> {
  let summary = "a spiking network: one time step run num_steps times";
  let description = [{
    The body computes one time step from the per-sample input. It is executed
    for `t = 0 .. num_steps-1`, or only for `t < early_exit_step` once the
    early-exit analysis has set that attribute. The results must be produced
    by `snn.readout` ops, whose value is defined after the last executed step.

    `gamma_mean` (set by `snn-early-exit`) lists, in network order, each BNTT
    layer's mean gamma over channels at every step (`#snn.gamma`), and
    `gamma_histogram` the distribution of gamma over channels at every step
    (`#snn.gamma_histogram`); both are kept for reports after the BNTT ops are
    folded away.

    Rules: `num_steps >= 1`; `1 <= early_exit_step <= num_steps`; every
    `gamma_mean` entry has num_steps values and a layer name of its own;
    every `gamma_histogram` entry has a range `[lo, hi]` with lo <= hi,
    num_steps x bins counts >= 0 (bins >= 1) and a layer name of its own;
    exactly one block whose terminator is `snn.output`; results come from
    `snn.readout`.

    ```mlir
    snn.network @net(%x: tensor<64xf32>) -> tensor<10xf32>
        attributes {num_steps = 20 : i64} {
      ...
      snn.output %logits : tensor<10xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       I64Attr:$num_steps,
                       OptionalAttr<I64Attr>:$early_exit_step,
                       OptionalAttr<F64Attr>:$early_exit_threshold,
                       OptionalAttr<StrAttr>:$fold_mode,
                       OptionalAttr<TypedArrayAttrBase<SNN_LayerGammaAttr,
                           "mean gamma per BNTT layer">>:$gamma_mean,
                       OptionalAttr<TypedArrayAttrBase<SNN_GammaHistogramAttr,
                           "gamma histogram per BNTT layer">>:$gamma_histogram,
                       OptionalAttr<StrAttr>:$sym_visibility,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    /// The number of steps a run executes by default: early_exit_step when
    /// set, else num_steps.
    int64_t getExecutedSteps() {
      return getEarlyExitStep().value_or(getNumSteps());
    }
  }];
}

def SNN_OutputOp : SNN_Op<"output", [
    Pure, Terminator, ReturnLike, HasParent<"NetworkOp">]> {
  let summary = "the network's results";
  let arguments = (ins Variadic<SNN_GradedTensor>:$operands);
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
}

//===----------------------------------------------------------------------===//
// Input encoding
//===----------------------------------------------------------------------===//

def SNN_PoissonEncodeOp : SNN_Op<"poisson_encode", [Pure]> {
  let summary = "counter-based Poisson rate coding of the analog input";
  let description = [{
    At step `t`, element `i` spikes with `sign(x)` when `u * scale <= |x|`,
    `u` a uniform number from the counter-based hash of (seed, sample, t, i)
    in docs/onnx-profile.md. Unsigned encoding never spikes on negative input.

    With `mean` and `std` (one value per input channel, dim 0), the input is
    first normalised: `x = (x[c, ...] - mean[c]) / std[c]` (float32).

    Rules: `scale > 0` and finite; the result has the input's shape and
    element type `!snn.spike<signed>` exactly when `signed` is given;
    `mean` and `std` both or neither, C values each, finite, `std > 0`.

    ```mlir
    %s = snn.poisson_encode %x scale(1.0) : tensor<64xf32> -> tensor<64x!snn.spike>
    ```
  }];
  let arguments = (ins SNN_GradedTensor:$input, F32Attr:$scale,
                       UnitAttr:$is_signed,
                       OptionalAttr<DenseF32ArrayAttr>:$mean,
                       OptionalAttr<DenseF32ArrayAttr>:$std);
  let results = (outs SNN_SpikeTensor:$output);
  let assemblyFormat = [{
    $input `scale` `(` $scale `)` (`signed` $is_signed^)? attr-dict `:`
    type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def SNN_DirectEncodeOp : SNN_Op<"direct_encode", [Pure]> {
  let summary = "feeds the analog input unchanged at every step";
  let description = [{
    With `mean` and `std` (per input channel, as for `snn.poisson_encode`),
    the input is normalised first: `(x[c, ...] - mean[c]) / std[c]`.

    With `per_step`, a sample is a sequence: the runtime's input holds one
    tensor of the argument's shape per step (`[N, T, ...]`), and step t reads
    the t-th (spike trains, DVS frames, sequences). Rules: `per_step`
    excludes `mean`/`std`.
  }];
  let arguments = (ins SNN_GradedTensor:$input, UnitAttr:$per_step,
                       OptionalAttr<DenseF32ArrayAttr>:$mean,
                       OptionalAttr<DenseF32ArrayAttr>:$std);
  let results = (outs SNN_GradedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Synaptic (stateless) operations
//===----------------------------------------------------------------------===//

def SNN_Conv2DOp : SNN_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution of a [C, H, W] activation";
  let description = [{
    ONNX `Conv` semantics per sample. `weight` is `[O, C/groups, KH, KW]`,
    `bias` (optional) is `[O]`, `pads` are `[top, left, bottom, right]`.

    Rules: input rank 3; weight rank 4 with `C == weight[1] * groups` and
    `O % groups == 0`; strides, dilations >= 1; pads >= 0; the result shape is
    `[O, OH, OW]` with `OH = (H + top + bottom - dh*(KH-1) - 1) / sh + 1 >= 1`;
    weight and bias are f32 and finite.
  }];
  let arguments = (ins SNN_ActivationTensor:$input, ElementsAttr:$weight,
                       OptionalAttr<ElementsAttr>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs SNN_GradedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def SNN_DenseOp : SNN_Op<"dense", [Pure]> {
  let summary = "fully connected layer: y = W x + b";
  let description = [{
    Rules: input rank 1 `[I]`; `weight` is `[O, I]` (ONNX Gemm transB=1
    layout); `bias` (optional) is `[O]`; result `[O]`; f32, finite.
  }];
  let arguments = (ins SNN_ActivationTensor:$input, ElementsAttr:$weight,
                       OptionalAttr<ElementsAttr>:$bias);
  let results = (outs SNN_GradedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

class SNN_Pool2DOp<string mnemonic, list<Trait> traits = []>
    : SNN_Op<mnemonic, !listconcat(traits, [Pure])> {
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def SNN_AvgPool2DOp : SNN_Pool2DOp<"avg_pool2d"> {
  let summary = "average pooling; the result is graded (f32)";
  let description = [{
    ONNX `AveragePool` semantics. Rules: input rank 3; kernel, strides >= 1;
    pads >= 0 and smaller than the kernel; result `[C, OH, OW]`, OH >= 1,
    element type f32.
  }];
  let arguments = (ins SNN_ActivationTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs SNN_GradedTensor:$output);
}

def SNN_MaxPool2DOp : SNN_Pool2DOp<"max_pool2d"> {
  let summary = "max pooling; keeps the element type (spikes stay spikes)";
  let description = [{
    ONNX `MaxPool` semantics. Rules as `snn.avg_pool2d`, and the result has
    the input's element type.
  }];
  let arguments = (ins SNN_ActivationTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads);
  let results = (outs SNN_ActivationTensor:$output);
}

def SNN_FlattenOp : SNN_Op<"flatten", [Pure]> {
  let summary = "flattens a per-sample activation to rank 1";
  let description = [{
    Rules: the result is rank 1 with as many elements as the input and the
    same element type.
  }];
  let arguments = (ins SNN_ActivationTensor:$input);
  let results = (outs SNN_ActivationTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def SNN_AddOp : SNN_Op<"add", [Pure, Commutative]> {
  let summary = "elementwise sum (residual connections); graded result";
  let description = [{
    Rules: both operands and the result have the same shape; result f32.
  }];
  let arguments = (ins SNN_ActivationTensor:$lhs, SNN_ActivationTensor:$rhs);
  let results = (outs SNN_GradedTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

def SNN_BNTTOp : SNN_Op<"bntt", [Pure]> {
  let summary = "batch norm through time: one set of statistics per step";
  let description = [{
    At step t, channel c: `y = gamma[t,c] * (x - mean[t,c]) / sqrt(var[t,c] +
    epsilon) + beta[t,c]`; the paper's BNTT has no beta (Kim & Panda 2021),
    so `beta` is optional (absent = 0).

    Rules: `gamma`, `mean`, `var` (and `beta`) are f32 `[T, C]` with T the
    network's `num_steps` and C the input's dim 0; values finite; `var >= 0`;
    `epsilon > 0` and finite; the result has the input's shape, f32.
  }];
  let arguments = (ins SNN_ActivationTensor:$input, ElementsAttr:$gamma,
                       ElementsAttr:$mean, ElementsAttr:$var, F32Attr:$epsilon,
                       OptionalAttr<ElementsAttr>:$beta);
  let results = (outs SNN_GradedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def SNN_BatchNormOp : SNN_Op<"batch_norm", [Pure]> {
  let summary = "static batch norm (inference mode), the same at every step";
  let description = [{
    `y = scale[c] * (x - mean[c]) / sqrt(var[c] + epsilon) + bias[c]`.
    Rules: `scale`, `bias`, `mean`, `var` are f32 `[C]`, C the input's dim 0;
    finite; `var >= 0`; `epsilon > 0`; result shape = input shape, f32.
  }];
  let arguments = (ins SNN_ActivationTensor:$input, ElementsAttr:$scale,
                       ElementsAttr:$bias, ElementsAttr:$mean,
                       ElementsAttr:$var, F32Attr:$epsilon);
  let results = (outs SNN_GradedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Neurons (stateful)
//===----------------------------------------------------------------------===//

def SNN_LIFOp : SNN_Op<"lif"> {
  let summary = "leaky integrate-and-fire neurons (stateful)";
  let description = [{
    Membrane `u` (0 before step 0). Without tables, at every step:
    `u = leak * u + x; s = u > threshold; soft: u -= threshold * s,
    hard: u = 0 where s`.

    After BNTT folding the op carries per-step, per-channel tables `[T, C]`
    (channel = dim 0) that replace the scalars; a missing table means the
    scalar (`threshold`, `leak`), 0 (`bias_table`) or 1 (`gain_table`):
    `u = leak_table[t,c] * u + gain_table[t,c] * x + bias_table[t,c];
    s = u > threshold_table[t,c]`, reset with `threshold_table[t,c]`.
    docs/folding.md derives the tables from BNTT.

    Reset modes: `soft` (subtract the threshold where s), `hard` (set
    `u = reset_value`, 0 when absent, where s), `subtract_delayed` (the
    threshold of step t is subtracted at step t for a spike of step t-1,
    before the comparison: `u = leak*u + gain*x + bias - threshold*s_{t-1}`,
    snnTorch's default) and `none`.

    Rules: `0 <= leak <= 1`; `threshold > 0`; both finite. Tables are f32
    `[T, C]` with T the network's `num_steps` and C the input's dim 0, finite;
    `threshold_table > 0`; `leak_table >= 0`. `reset_value` (finite) only with
    the `hard` reset. The result has the input's shape and element type
    `!snn.spike`.

    Current-based (CUBA, NIR's CubaLIF): with `syn_leak` and `syn_gain` (C
    values each, both or neither, syn_leak in [0, 1]) a synaptic current
    `i = syn_leak[c] * i + syn_gain[c] * x` (0 before step 0) replaces `x`
    in the membrane update.
  }];
  let arguments = (ins SNN_GradedTensor:$input, F32Attr:$leak,
                       F32Attr:$threshold, SNN_ResetModeAttr:$reset,
                       OptionalAttr<ElementsAttr>:$threshold_table,
                       OptionalAttr<ElementsAttr>:$leak_table,
                       OptionalAttr<ElementsAttr>:$bias_table,
                       OptionalAttr<ElementsAttr>:$gain_table,
                       OptionalAttr<F32Attr>:$reset_value,
                       OptionalAttr<DenseF32ArrayAttr>:$syn_leak,
                       OptionalAttr<DenseF32ArrayAttr>:$syn_gain);
  let results = (outs SNN_SpikeTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// True when any per-step table is attached (the op has been folded).
    bool hasTables() {
      return getThresholdTable() || getLeakTable() || getBiasTable() ||
             getGainTable();
    }
  }];
}

def SNN_ReadoutOp : SNN_Op<"readout"> {
  let summary = "non-spiking output: mean of its input over executed steps";
  let description = [{
    Accumulates its input over every executed step; its value is the sum
    divided by the number of steps executed (of spikes: the spike count
    divided by the steps).

    With `membrane`, it is a leaky integrator instead (NIR's LI and I
    nodes): `acc = leak[c] * acc + gain[c] * x + bias[c]`, and its value is
    `acc` after the last executed step (no division). `leak`, `gain`, `bias`
    (one value per channel = dim 0; absent: 1, 1, 0) only with `membrane`.

    `syn_leak`, `syn_gain` (NIR's CubaLI, only with `membrane`): a synaptic
    current `i = syn_leak[c] * i + syn_gain[c] * x` replaces `x`.

    Rules: result shape = input shape, f32; the tables have C finite values,
    leak and syn_leak in [0, 1].
  }];
  let arguments = (ins SNN_ActivationTensor:$input, UnitAttr:$membrane,
                       OptionalAttr<DenseF32ArrayAttr>:$leak,
                       OptionalAttr<DenseF32ArrayAttr>:$gain,
                       OptionalAttr<DenseF32ArrayAttr>:$bias,
                       OptionalAttr<DenseF32ArrayAttr>:$syn_leak,
                       OptionalAttr<DenseF32ArrayAttr>:$syn_gain);
  let results = (outs SNN_GradedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // SNNC_DIALECT_SNN_IR_SNNOPS_TD
