// RUN: not snnc-opt %s -split-input-file -snn-quantize-loihi 2>/dev/null | FileCheck %s
// RUN: not snnc-opt %s -split-input-file -snn-quantize-loihi 2>&1 >/dev/null | FileCheck %s --check-prefix=ERR
// RUN: not snnc-opt %s -split-input-file -snn-quantize-loihi=weight-bits=2 2>&1 | FileCheck %s --check-prefix=TWO
// RUN: not snnc-opt %s -split-input-file -snn-quantize-loihi=weight-bits=1 2>&1 | FileCheck %s --check-prefix=ONE
// RUN: not snnc-opt %s -split-input-file -snn-quantize-loihi=weight-bits=9 2>&1 | FileCheck %s --check-prefix=BITS

// fc1: max |W| = 1, 8 bits: alpha = 1/127 gives exact codes (any clipping
// factor < 1 has a larger error): m = [[127, -64], [0, 32]].
// sigma = 64 * 2^e * 127: the threshold room 8128 * 2^e <= 2^20 allows e = 7
// (bias 0.1 * sigma = 104038 <= 4095 * 128, accumulator 2*127*128 < 2^31).
// vth = sigma / 64 = 16256 exactly; dv = 4096 - 4096 * 0.5 = 2048; bias
// 104038.4 needs exponent 5 (104038 / 32 = 3251.2 -> 3251; / 16 = 6502 > 4095).
// CHECK-LABEL: snn.network @q
// CHECK-SAME: snn.q.output_scale = 3.07578739E-5 : f32, snn.q.quantization = "loihi", snn.q.weight_bits = 8 : i32
// CHECK: snn.dense
// CHECK-SAME: max_threshold_rounding = 0.000000e+00 : f32, max_weight = 1.000000e+00 : f32
// CHECK-SAME: weight_exp = 7 : i32}, snn.q.weight = dense<{{\[\[}}127, -64], [0, 32]]> : tensor<2x2xi8>, snn.q.weight_exp = 7 : i32
// CHECK: snn.lif
// CHECK-SAME: snn.q.bias_exp = dense<{{\[\[}}5, 0], [5, 0]]> : tensor<2x2xi16>
// CHECK-SAME: snn.q.bias_mant = dense<{{\[\[}}3251, 0], [3251, 0]]> : tensor<2x2xi16>
// CHECK-SAME: snn.q.du = 4096 : i32, snn.q.dv = dense<2048> : tensor<2x2xi16>
// CHECK-SAME: snn.q.sign = dense<1> : tensor<2x2xi16>, snn.q.unit = 9.61183559E-7 : f32, snn.q.vth = dense<16256> : tensor<2x2xi32>
// fc2 feeds the readout: alpha = 0.5/127, e = 7 (bound (254 + 127) * 128), bias
// round(0.25 * 128 / alpha) = 8128 and -16256; output_scale = alpha / 128.
// CHECK: snn.dense
// CHECK-SAME: snn.q.bias = dense<[8128, -16256]> : tensor<2xi32>
// CHECK-SAME: snn.q.weight = dense<{{\[\[}}127, 0], [0, 127]]> : tensor<2x2xi8>, snn.q.weight_exp = 7 : i32
// Two bits (codes -1..1): the best clipping factor 0.75 (error 0.25^2 + 0.246^2
// against 0.755's 0.245^2 + 0.251^2); vth = round(64 * 128 / 0.75 / 64) = 171,
// 0.2% above the float threshold.
// TWO-LABEL: snn.network @q
// TWO: alpha = 7.500000e-01 : f32, bits = 2 : i32
// TWO-SAME: max_threshold_rounding = 0.001953125 : f32
// TWO-SAME: max_weight_error = 2.519690e-01 : f32
// TWO-SAME: snn.q.weight = dense<{{\[\[}}1, -1], [0, 0]]> : tensor<2x2xi8>
// One bit: signs (0 -> +1), alpha = mean |W| = 1.755906 / 4.
// ONE-LABEL: snn.network @q
// ONE: alpha = 0.438976496 : f32, bits = 1 : i32
// ONE-SAME: snn.q.weight = dense<{{\[\[}}1, -1], [1, 1]]> : tensor<2x2xi8>
// BITS: error: {{.*}}--weight-bits: 9 out of range, expected 1..8
snn.network @q(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 2 : i64} {
  %s = snn.poisson_encode %x scale(1.0) signed : tensor<2xf32> -> tensor<2x!snn.spike<signed>>
  %d = snn.dense %s {weight = dense<[[1.0, -0.503937], [0.0, 0.251969]]> : tensor<2x2xf32>,
                     bias = dense<[0.1, 0.0]> : tensor<2xf32>}
      : tensor<2x!snn.spike<signed>> -> tensor<2xf32> loc("fc1")
  %l = snn.lif %d {leak = 0.5 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>} : tensor<2xf32> -> tensor<2x!snn.spike> loc("lif1")
  %o = snn.dense %l {weight = dense<[[0.5, 0.0], [0.0, 0.5]]> : tensor<2x2xf32>,
                     bias = dense<[0.25, -0.5]> : tensor<2xf32>}
      : tensor<2x!snn.spike> -> tensor<2xf32> loc("fc2")
  %r = snn.readout %o : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// A graded (direct) encoder has no integer form.
// ERR: error: {{.*}}--quantize=loihi: layer 'enc' is a direct (graded) encoder
snn.network @direct(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 2 : i64} {
  %e = snn.direct_encode %x : tensor<2xf32> -> tensor<2xf32> loc("enc")
  %d = snn.dense %e {weight = dense<1.0> : tensor<2x2xf32>} : tensor<2xf32> -> tensor<2xf32>
  %r = snn.readout %d : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// An average pool with pads and without count_include_pad divides its border
// windows by fewer inputs: no single scale folds into the next layer.
// ERR: error: {{.*}}--quantize=loihi: average pool 'pool1' has unequal divisors
snn.network @pool(%x: tensor<1x4x4xf32>) -> tensor<2xf32> attributes {num_steps = 2 : i64} {
  %s = snn.poisson_encode %x scale(1.0) : tensor<1x4x4xf32> -> tensor<1x4x4x!snn.spike>
  %p = snn.avg_pool2d %s {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x4x4x!snn.spike> -> tensor<1x3x3xf32> loc("pool1")
  %f = snn.flatten %p : tensor<1x3x3xf32> -> tensor<9xf32>
  %d = snn.dense %f {weight = dense<1.0> : tensor<2x9xf32>} : tensor<9xf32> -> tensor<2xf32>
  %r = snn.readout %d : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// An input gain of 2 (a NIR neuron) is no sign.
// ERR: error: {{.*}}--quantize=loihi: layer 'lif1' has an input gain 2, expected -1, 0 or 1
snn.network @gain(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64} {
  %s = snn.poisson_encode %x scale(1.0) : tensor<2xf32> -> tensor<2x!snn.spike>
  %d = snn.dense %s {weight = dense<1.0> : tensor<2x2xf32>} : tensor<2x!snn.spike> -> tensor<2xf32>
  %l = snn.lif %d {leak = 0.5 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>, gain_table = dense<2.0> : tensor<1x2xf32>} : tensor<2xf32> -> tensor<2x!snn.spike> loc("lif1")
  %o = snn.dense %l {weight = dense<1.0> : tensor<2x2xf32>} : tensor<2x!snn.spike> -> tensor<2xf32>
  %r = snn.readout %o : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}
