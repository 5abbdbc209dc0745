// RUN: snnc-opt %s -split-input-file -snn-fold-batch-norm 2>/dev/null | FileCheck %s
// RUN: snnc-opt %s -split-input-file -snn-fold-batch-norm 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK

// s = scale / sqrt(var + eps) = [4/2, 1/1] = [2, 1]
// W' = s * W = [[2, 4], [3, 4]];  b' = s * (b - mean) + beta = [0.5, 1]
// CHECK-LABEL: snn.network @dense_bn
// CHECK-NOT: snn.batch_norm
// CHECK: snn.dense %arg0 {bias = dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>, weight = dense<{{\[\[}}2.000000e+00, 4.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>}
snn.network @dense_bn(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64} {
  %d = snn.dense %x {weight = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, bias = dense<1.0> : tensor<2xf32>} : tensor<2xf32> -> tensor<2xf32>
  %n = snn.batch_norm %d {scale = dense<[4.0, 1.0]> : tensor<2xf32>, bias = dense<[0.5, 0.0]> : tensor<2xf32>, mean = dense<[1.0, 0.0]> : tensor<2xf32>, var = dense<[3.0, 0.0]> : tensor<2xf32>, epsilon = 1.0 : f32} : tensor<2xf32> -> tensor<2xf32>
  %r = snn.readout %n : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// Conv without bias: the bias appears. Per output channel: s = [0.5, 2].
// CHECK-LABEL: snn.network @conv_bn
// CHECK: snn.conv2d %arg0 {bias = dense<[-5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK-SAME: weight = dense<{{\[\[\[\[}}5.000000e-01]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
snn.network @conv_bn(%x: tensor<1x2x2xf32>) -> tensor<8xf32> attributes {num_steps = 1 : i64} {
  %c = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x1x1xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x2xf32> -> tensor<2x2x2xf32>
  %n = snn.batch_norm %c {scale = dense<[1.0, 2.0]> : tensor<2xf32>, bias = dense<[0.0, 2.0]> : tensor<2xf32>, mean = dense<[1.0, 0.0]> : tensor<2xf32>, var = dense<[3.0, 0.0]> : tensor<2xf32>, epsilon = 1.0 : f32} : tensor<2x2x2xf32> -> tensor<2x2x2xf32>
  %f = snn.flatten %n : tensor<2x2x2xf32> -> tensor<8xf32>
  %r = snn.readout %f : tensor<8xf32> -> tensor<8xf32>
  snn.output %r : tensor<8xf32>
}

// -----

// A batch norm directly on the input cannot fold; it stays.
// REMARK: warning: not folded: its input is not a conv2d/dense used only by it
// CHECK-LABEL: snn.network @input_bn
// CHECK: snn.batch_norm
snn.network @input_bn(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64} {
  %n = snn.batch_norm %x {scale = dense<1.0> : tensor<2xf32>, bias = dense<0.0> : tensor<2xf32>, mean = dense<0.0> : tensor<2xf32>, var = dense<1.0> : tensor<2xf32>, epsilon = 1.0e-5 : f32} : tensor<2xf32> -> tensor<2xf32>
  %r = snn.readout %n : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}
