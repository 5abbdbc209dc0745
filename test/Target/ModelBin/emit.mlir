// Emission without the driver: snnc-translate --snn-to-modelbin writes the
// model.bin of hand-written, already deployed IR; snnc-run --dump reads it.
// Source name, hash and fold mode come from the IR's attributes only.
// RUN: snnc-translate --snn-to-modelbin %s -o %t.bin
// RUN: snnc-run %t.bin --dump | FileCheck %s

// CHECK: snnc-model-bin
// CHECK: source_name: "tiny.onnx"
// CHECK: source_sha256: 00ff
// CHECK: fold_mode: paper
// CHECK: num_steps: 3
// CHECK: early_exit_step: 2
// CHECK: early_exit_threshold: 0.25
// CHECK: input_shape: [4]
// CHECK: layer 0 ENCODE {{.*}} shape=[4] binary=1
// CHECK-NEXT: encoder: POISSON scale=1 signed=0
// CHECK: layer 1 DENSE fc1 inputs=[0] shape=[2] binary=0 params=10
// CHECK-NEXT: weight: shape=[2, 4] first=[1, 2, 3, 4, ...]
// CHECK-NEXT: bias: shape=[2] first=[0.5, -0.5]
// CHECK: layer 2 LIF lif1 inputs=[1] shape=[2] binary=1
// CHECK-NEXT: reset: HARD
// CHECK: layer 3 READOUT {{.*}} inputs=[2] shape=[2]
module attributes {snn.source_name = "tiny.onnx", snn.source_sha256 = "00ff"} {
  snn.network @tiny(%x: tensor<4xf32>) -> tensor<2xf32>
      attributes {num_steps = 3 : i64, early_exit_step = 2 : i64,
                  early_exit_threshold = 0.25 : f64, fold_mode = "paper"} {
    %s = snn.poisson_encode %x scale(1.0) : tensor<4xf32> -> tensor<4x!snn.spike>
    %d = snn.dense %s {weight = dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>,
                       bias = dense<[0.5, -0.5]> : tensor<2xf32>}
        : tensor<4x!snn.spike> -> tensor<2xf32> loc("fc1")
    %l = snn.lif %d {leak = 0.5 : f32, threshold = 1.0 : f32, reset = #snn.reset<hard>}
        : tensor<2xf32> -> tensor<2x!snn.spike> loc("lif1")
    %r = snn.readout %l : tensor<2x!snn.spike> -> tensor<2xf32>
    snn.output %r : tensor<2xf32>
  }
}
