// RUN: snnc-opt %s | FileCheck %s
// RUN: snnc-opt %s | snnc-opt | FileCheck %s
// RUN: snnc-opt %s --mlir-print-op-generic | snnc-opt | FileCheck %s

// Every snn op, round-tripped through the custom and the generic syntax.

// CHECK-LABEL: snn.network @conv_net
// CHECK-SAME: (%{{.*}}: tensor<1x6x6xf32>) -> tensor<3xf32>
// CHECK-SAME: num_steps = 2
snn.network @conv_net(%x: tensor<1x6x6xf32>) -> tensor<3xf32> attributes {num_steps = 2 : i64} {
  // CHECK: snn.poisson_encode %{{.*}} scale(1.000000e+00) : tensor<1x6x6xf32> -> tensor<1x6x6x!snn.spike>
  %s = snn.poisson_encode %x scale(1.0) : tensor<1x6x6xf32> -> tensor<1x6x6x!snn.spike>
  // CHECK: snn.conv2d %{{.*}} {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight = dense<5.000000e-01> : tensor<2x1x3x3xf32>} : tensor<1x6x6x!snn.spike> -> tensor<2x6x6xf32>
  %c = snn.conv2d %s {weight = dense<0.5> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x6x6x!snn.spike> -> tensor<2x6x6xf32>
  // CHECK: snn.bntt
  // CHECK-SAME: epsilon = 9.99999974E-5 : f32
  %b = snn.bntt %c {gamma = dense<[[1.0, 0.5], [0.25, 0.125]]> : tensor<2x2xf32>, mean = dense<0.0> : tensor<2x2xf32>, var = dense<1.0> : tensor<2x2xf32>, epsilon = 1.0e-4 : f32} : tensor<2x6x6xf32> -> tensor<2x6x6xf32>
  // CHECK: snn.lif %{{.*}} {leak = 0.949999988 : f32, reset = #snn.reset<soft>, threshold = 1.000000e+00 : f32} : tensor<2x6x6xf32> -> tensor<2x6x6x!snn.spike>
  %l = snn.lif %b {leak = 0.95 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>} : tensor<2x6x6xf32> -> tensor<2x6x6x!snn.spike>
  // CHECK: snn.max_pool2d %{{.*}} : tensor<2x6x6x!snn.spike> -> tensor<2x3x3x!snn.spike>
  %m = snn.max_pool2d %l {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<2x6x6x!snn.spike> -> tensor<2x3x3x!snn.spike>
  // CHECK: snn.avg_pool2d %{{.*}} : tensor<2x3x3x!snn.spike> -> tensor<2x1x1xf32>
  %a = snn.avg_pool2d %m {kernel_shape = array<i64: 3, 3>, strides = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>} : tensor<2x3x3x!snn.spike> -> tensor<2x1x1xf32>
  // CHECK: snn.flatten %{{.*}} : tensor<2x1x1xf32> -> tensor<2xf32>
  %f = snn.flatten %a : tensor<2x1x1xf32> -> tensor<2xf32>
  // CHECK: snn.dense %{{.*}} {bias = dense<{{.*}}> : tensor<3xf32>, weight = dense<{{.*}}> : tensor<3x2xf32>} : tensor<2xf32> -> tensor<3xf32>
  %d = snn.dense %f {weight = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>, bias = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>} : tensor<2xf32> -> tensor<3xf32>
  // CHECK: snn.readout %{{.*}} : tensor<3xf32> -> tensor<3xf32>
  %r = snn.readout %d : tensor<3xf32> -> tensor<3xf32>
  // CHECK: snn.output %{{.*}} : tensor<3xf32>
  snn.output %r : tensor<3xf32>
}

// CHECK-LABEL: snn.network @residual_mlp
// CHECK-SAME: early_exit_step = 3
snn.network @residual_mlp(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 4 : i64, early_exit_step = 3 : i64} {
  // CHECK: snn.poisson_encode %{{.*}} scale(2.000000e+00) signed : tensor<4xf32> -> tensor<4x!snn.spike<signed>>
  %s = snn.poisson_encode %x scale(2.0) signed : tensor<4xf32> -> tensor<4x!snn.spike<signed>>
  // CHECK: snn.direct_encode %{{.*}} : tensor<4xf32> -> tensor<4xf32>
  %x2 = snn.direct_encode %x : tensor<4xf32> -> tensor<4xf32>
  // CHECK: snn.batch_norm
  %n = snn.batch_norm %x2 {scale = dense<1.0> : tensor<4xf32>, bias = dense<0.0> : tensor<4xf32>, mean = dense<0.5> : tensor<4xf32>, var = dense<2.0> : tensor<4xf32>, epsilon = 1.0e-5 : f32} : tensor<4xf32> -> tensor<4xf32>
  // CHECK: snn.add %{{.*}}, %{{.*}} : tensor<4x!snn.spike<signed>>, tensor<4xf32> -> tensor<4xf32>
  %sum = snn.add %s, %n : tensor<4x!snn.spike<signed>>, tensor<4xf32> -> tensor<4xf32>
  // CHECK: snn.lif %{{.*}} {bias_table = {{.*}}, gain_table = {{.*}}, leak = 1.000000e+00 : f32, leak_table = {{.*}}, reset = #snn.reset<hard>, threshold = 5.000000e-01 : f32, threshold_table = {{.*}}}
  %l = snn.lif %sum {leak = 1.0 : f32, threshold = 0.5 : f32, reset = #snn.reset<hard>,
                     threshold_table = dense<0.5> : tensor<4x4xf32>, leak_table = dense<2.0> : tensor<4x4xf32>,
                     bias_table = dense<-0.25> : tensor<4x4xf32>, gain_table = dense<-1.0> : tensor<4x4xf32>} : tensor<4xf32> -> tensor<4x!snn.spike>
  // CHECK: snn.readout %{{.*}} : tensor<4x!snn.spike> -> tensor<4xf32>
  %r = snn.readout %l : tensor<4x!snn.spike> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// CHECK-LABEL: snn.network @resource_weights
// CHECK: weight = dense_resource<fc_w> : tensor<2x2xf32>
snn.network @resource_weights(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64} {
  %d = snn.dense %x {weight = dense_resource<fc_w> : tensor<2x2xf32>} : tensor<2xf32> -> tensor<2xf32>
  %r = snn.readout %d : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc_w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// The early-exit attributes, with the mean-gamma table in network order.
// CHECK-LABEL: snn.network @exit_attrs
// CHECK-SAME: early_exit_step = 1 : i64
// CHECK-SAME: gamma_histogram = [#snn.gamma_histogram<"bntt2", [5.000000e-02, 5.000000e-01], [0, 3, 3, 0]>]
// CHECK-SAME: gamma_mean = [#snn.gamma<"bntt2", [5.000000e-01, 5.000000e-02]>, #snn.gamma<"bntt1", [2.500000e-01, 0.000000e+00]>]
snn.network @exit_attrs(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 2 : i64, early_exit_step = 1 : i64, early_exit_threshold = 0.1 : f64, gamma_mean = [#snn.gamma<"bntt2", [0.5, 0.05]>, #snn.gamma<"bntt1", [0.25, 0.0]>], gamma_histogram = [#snn.gamma_histogram<"bntt2", [0.05, 0.5], [0, 3, 3, 0]>]} {
  %r = snn.readout %x : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}
