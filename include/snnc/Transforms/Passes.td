//===- Passes.td - snnc transformation passes --------------*- tablegen -*-===//
//
// Declarations of every snnc pass; the pass classes and registration are
// generated from here.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_TRANSFORMS_PASSES_TD
#define SNNC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SNNEarlyExit : Pass<"snn-early-exit", "::snnc::snn::NetworkOp"> {
  let summary = "Find the static early-exit step from the BNTT gamma tables";
  let description = [{
    For every `snn.bntt` and step t, the mean of gamma[t, :] over channels
    (signed, as in Kim & Panda 2021, Fig. 4). The early-exit step is the
    smallest t such that for every t' >= t every layer's mean is below
    `threshold`; steps 0 .. t-1 run. It is num_steps when that never happens
    or there is no BNTT layer, and at least 1. The pass stores the step as
    `early_exit_step` (unless `apply=false`) and the table as `gamma_mean`
    on the network, with the threshold used; `report=true` also emits the
    layer x step table as a remark. Run it before BNTT folding; on a network
    without BNTT ops it reuses a `gamma_mean` table recorded earlier.
  }];
  let options = [
    Option<"threshold", "threshold", "double", /*default=*/"0.1",
           "Mean-gamma threshold below which a step carries no information">,
    Option<"apply", "apply", "bool", /*default=*/"true",
           "Set early_exit_step (false: only record and report the table)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit the layer x step mean-gamma table as a remark">,
  ];
}

def SNNFoldBatchNorm : Pass<"snn-fold-batch-norm", "::snnc::snn::NetworkOp"> {
  let summary = "Fold static batch norm into the preceding conv/dense";
  let description = [{
    `snn.batch_norm` whose input is an `snn.conv2d` or `snn.dense` used only
    by it is folded into that op's weight and bias:
    `W'[o] = s[o] W[o]`, `b'[o] = s[o] (b[o] - mean[o]) + beta[o]`,
    `s = scale / sqrt(var + epsilon)`. Others are left in place (a remark
    says why).
  }];
}

def SNNFoldBNTT : Pass<"snn-fold-bntt", "::snnc::snn::NetworkOp"> {
  let summary = "Fold BNTT into the following LIF neurons";
  let description = [{
    Each `snn.bntt` whose only user is an `snn.lif` disappears; the LIF gets
    per-step, per-channel threshold, leak, bias and gain tables.
    `mode=exact` keeps the model's behaviour (docs/folding.md);
    `mode=paper` is Kim & Panda's eq. 15: threshold theta*sqrt(var+eps)/gamma,
    mean neglected, leak unchanged; a remark reports how far that is from
    exact. Steps with gamma <= 0 are handled without division by zero and
    named in a remark.
  }];
  let options = [
    Option<"mode", "mode", "::snnc::FoldMode", /*default=*/"::snnc::FoldMode::Exact",
           "How to fold", [{::llvm::cl::values(
             clEnumValN(::snnc::FoldMode::Exact, "exact",
                        "behaviour-preserving per-step threshold, leak, bias"),
             clEnumValN(::snnc::FoldMode::Paper, "paper",
                        "eq. 15 of the paper: per-step threshold only"))}]>,
  ];
}

def SNNQuantizeLoihi : Pass<"snn-quantize-loihi", "::snnc::snn::NetworkOp"> {
  let summary = "Integer (Loihi) weights, exponents and per-step LIF tables";
  let description = [{
    Runs after BNTT folding. Each conv/dense gets N-bit sign-magnitude
    weights (`snn.q.weight`, the squared-error-optimal scale) and a
    `snn.q.weight_exp`; each LIF gets Loihi's integer per-step tables
    (`snn.q.dv`, `snn.q.vth`, `snn.q.bias_mant`, `snn.q.bias_exp`,
    `snn.q.sign`, `snn.q.du`); the output layer an integer bias; the network
    `snn.q.quantization = "loihi"`, `snn.q.weight_bits` and
    `snn.q.output_scale`. docs/fixed-point.md defines the rules; a layer the
    integer model cannot express is an error naming it.
  }];
  let options = [
    Option<"weightBits", "weight-bits", "int", /*default=*/"8",
           "Bits per weight (sign-magnitude), 1..8">,
  ];
}

def SNNMaxPoolToRelay : Pass<"snn-max-pool-to-relay", "::snnc::snn::NetworkOp"> {
  let summary = "Rewrite max pooling of binary spikes into a relay population";
  let description = [{
    For binary spikes the max over a window is the OR of its inputs. Each
    `snn.max_pool2d` of `!snn.spike` becomes `snn.conv2d` (depthwise: groups
    = C, weight [C, 1, KH, KW] of ones, no bias, the pool's strides and pads,
    zero padding; named `<pool>_sum`) feeding `snn.lif` (leak 0, threshold
    0.5, hard reset to 0: the sum is a whole number of spikes, so it fires
    exactly when one input spiked, and no state survives the step; named as
    the pool). Same-step rule: the relay fires in the step its inputs spike,
    as every layer does in the runtime, so every spike of every step and the
    outputs are unchanged. A max pool of f32 values or of signed spikes is
    left in place with a warning naming it (the mapper cannot map it).
  }];
}

#endif // SNNC_TRANSFORMS_PASSES_TD
