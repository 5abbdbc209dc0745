// RUN: snnc-opt %s -canonicalize -split-input-file | FileCheck %s

// Flatten of a value that is already rank 1 folds away.
// CHECK-LABEL: snn.network @flatten_rank1
// CHECK-NOT: snn.flatten
// CHECK: snn.readout %arg0
snn.network @flatten_rank1(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 1 : i64} {
  %f = snn.flatten %x : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %f : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// 1x1 pooling with stride 1 and no padding is the identity; a 2x2 one stays.
// CHECK-LABEL: snn.network @identity_pool
// CHECK-NOT: snn.max_pool2d %arg0 {kernel_shape = array<i64: 1, 1>
// CHECK-NOT: snn.avg_pool2d %arg0 {kernel_shape = array<i64: 1, 1>
// CHECK: %[[P:.*]] = snn.avg_pool2d %arg0 {kernel_shape = array<i64: 2, 2>
// CHECK: snn.flatten %[[P]]
snn.network @identity_pool(%x: tensor<1x2x2xf32>) -> tensor<1xf32> attributes {num_steps = 1 : i64} {
  %m = snn.max_pool2d %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x2xf32> -> tensor<1x2x2xf32>
  %a = snn.avg_pool2d %m {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x2xf32> -> tensor<1x2x2xf32>
  %b = snn.avg_pool2d %a {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x2xf32> -> tensor<1x1x1xf32>
  %f = snn.flatten %b : tensor<1x1x1xf32> -> tensor<1xf32>
  %r = snn.readout %f : tensor<1xf32> -> tensor<1xf32>
  snn.output %r : tensor<1xf32>
}

// -----

// 1x1 average pooling of spikes changes the type (spikes -> graded): kept.
// CHECK-LABEL: snn.network @pool_type_change
// CHECK: snn.avg_pool2d
snn.network @pool_type_change(%x: tensor<1x2x2x!snn.spike>) -> tensor<4xf32> attributes {num_steps = 1 : i64} {
  %a = snn.avg_pool2d %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x2x!snn.spike> -> tensor<1x2x2xf32>
  %f = snn.flatten %a : tensor<1x2x2xf32> -> tensor<4xf32>
  %r = snn.readout %f : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// Uniform LIF tables become scalars; neutral bias (0) and gain (1) tables go.
// CHECK-LABEL: snn.network @uniform_tables
// CHECK: snn.lif %arg0 {leak = 5.000000e-01 : f32, reset = #snn.reset<soft>, threshold = 2.000000e+00 : f32} :
snn.network @uniform_tables(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 3 : i64} {
  %l = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>,
                   threshold_table = dense<2.0> : tensor<3x2xf32>, leak_table = dense<0.5> : tensor<3x2xf32>,
                   bias_table = dense<0.0> : tensor<3x2xf32>, gain_table = dense<1.0> : tensor<3x2xf32>} : tensor<2xf32> -> tensor<2x!snn.spike>
  %r = snn.readout %l : tensor<2x!snn.spike> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// Tables that vary, a leak ratio above 1, a non-zero bias and a gain of -1
// carry information and stay.
// CHECK-LABEL: snn.network @varying_tables
// CHECK-SAME: num_steps = 2
// CHECK: snn.lif %arg0 {bias_table = dense<-2.500000e-01> : tensor<2x2xf32>, gain_table = dense<-1.000000e+00> : tensor<2x2xf32>, leak = 0.899999976 : f32, leak_table = dense<2.000000e+00> : tensor<2x2xf32>, reset = #snn.reset<soft>, threshold = 1.000000e+00 : f32, threshold_table = dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>}
snn.network @varying_tables(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 2 : i64} {
  %l = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>,
                   threshold_table = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, leak_table = dense<2.0> : tensor<2x2xf32>,
                   bias_table = dense<-0.25> : tensor<2x2xf32>, gain_table = dense<-1.0> : tensor<2x2xf32>} : tensor<2xf32> -> tensor<2x!snn.spike>
  %r = snn.readout %l : tensor<2x!snn.spike> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}
