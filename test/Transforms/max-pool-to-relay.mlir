// RUN: snnc-opt %s -split-input-file -snn-max-pool-to-relay -mlir-print-debuginfo 2>/dev/null | FileCheck %s
// RUN: snnc-opt %s -split-input-file -snn-max-pool-to-relay 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

// A 2x2 stride-2 max pool of binary spikes becomes a depthwise sum (weights
// 1, groups = C, no bias, the pool's strides and pads) and a LIF relay
// (leak 0, threshold 0.5, hard reset) that keeps the pool's name.
// CHECK-LABEL: snn.network @spikes
// CHECK-NOT: snn.max_pool2d
// CHECK: %[[SUM:.*]] = snn.conv2d %{{.*}} {dilations = array<i64: 1, 1>, groups = 3 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>, weight = dense<1.000000e+00> : tensor<3x1x2x2xf32>} : tensor<3x5x5x!snn.spike> -> tensor<3x3x3xf32> loc(#[[SUMLOC:.*]])
// CHECK: %[[RELAY:.*]] = snn.lif %[[SUM]] {leak = 0.000000e+00 : f32, reset = #snn.reset<hard>, threshold = 5.000000e-01 : f32} : tensor<3x3x3xf32> -> tensor<3x3x3x!snn.spike> loc(#[[RELAYLOC:.*]])
// CHECK: snn.flatten %[[RELAY]]
// CHECK-DAG: #[[SUMLOC]] = loc("pool1_sum"
// CHECK-DAG: #[[RELAYLOC]] = loc("pool1"
snn.network @spikes(%x: tensor<3x5x5xf32>) -> tensor<27xf32> attributes {num_steps = 2 : i64} {
  %s = snn.poisson_encode %x scale(1.0) : tensor<3x5x5xf32> -> tensor<3x5x5x!snn.spike>
  %p = snn.max_pool2d %s {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>} : tensor<3x5x5x!snn.spike> -> tensor<3x3x3x!snn.spike> loc("pool1")
  %f = snn.flatten %p : tensor<3x3x3x!snn.spike> -> tensor<27x!snn.spike>
  %r = snn.readout %f : tensor<27x!snn.spike> -> tensor<27xf32>
  snn.output %r : tensor<27xf32>
}

// -----

// Two pools in a row: the second reads the first relay's spikes.
// CHECK-LABEL: snn.network @chain
// CHECK-NOT: snn.max_pool2d
// CHECK-COUNT-2: snn.lif
snn.network @chain(%x: tensor<1x4x4xf32>) -> tensor<1xf32> attributes {num_steps = 1 : i64} {
  %s = snn.poisson_encode %x scale(1.0) : tensor<1x4x4xf32> -> tensor<1x4x4x!snn.spike>
  %p = snn.max_pool2d %s {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x4x!snn.spike> -> tensor<1x2x2x!snn.spike>
  %q = snn.max_pool2d %p {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x2x!snn.spike> -> tensor<1x1x1x!snn.spike>
  %f = snn.flatten %q : tensor<1x1x1x!snn.spike> -> tensor<1x!snn.spike>
  %r = snn.readout %f : tensor<1x!snn.spike> -> tensor<1xf32>
  snn.output %r : tensor<1xf32>
}

// -----

// Graded values and signed spikes stay max pools, with a warning naming the
// layer.
// WARN: warning: {{.*}}max pooling 'gpool' stays a max pool: it reads graded values (f32), not binary spikes; snnc-map cannot map it
// WARN: warning: {{.*}}max pooling 'spool' stays a max pool: it reads signed spikes (-1, 0, 1), whose max is not an OR
// CHECK-LABEL: snn.network @kept
// CHECK: snn.max_pool2d
// CHECK: snn.max_pool2d
// CHECK-NOT: snn.lif
snn.network @kept(%x: tensor<1x2x2xf32>) -> (tensor<1xf32>, tensor<1xf32>) attributes {num_steps = 1 : i64} {
  %g = snn.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x2xf32> -> tensor<1x1x1xf32> loc("gpool")
  %s = snn.poisson_encode %x scale(1.0) signed : tensor<1x2x2xf32> -> tensor<1x2x2x!snn.spike<signed>>
  %p = snn.max_pool2d %s {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x2x!snn.spike<signed>> -> tensor<1x1x1x!snn.spike<signed>> loc("spool")
  %gf = snn.flatten %g : tensor<1x1x1xf32> -> tensor<1xf32>
  %pf = snn.flatten %p : tensor<1x1x1x!snn.spike<signed>> -> tensor<1x!snn.spike<signed>>
  %r1 = snn.readout %gf : tensor<1xf32> -> tensor<1xf32>
  %r2 = snn.readout %pf : tensor<1x!snn.spike<signed>> -> tensor<1xf32>
  snn.output %r1, %r2 : tensor<1xf32>, tensor<1xf32>
}
