// IR without provenance attributes and never folded: empty source fields and
// fold_mode "none" (the emitter invents nothing); the translation's output is
// the bytes the driver writes for the same network.
// RUN: snnc-translate --snn-to-modelbin %s -o %t.bin
// RUN: snnc-run %t.bin --dump | FileCheck %s
// CHECK: source_name: ""
// CHECK: fold_mode: none
// CHECK: early_exit_step: 2
snn.network @plain(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 2 : i64} {
  %e = snn.direct_encode %x : tensor<2xf32> -> tensor<2xf32>
  %d = snn.dense %e {weight = dense<1.0> : tensor<2x2xf32>} : tensor<2xf32> -> tensor<2xf32>
  %l = snn.lif %d {leak = 1.0 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>}
      : tensor<2xf32> -> tensor<2x!snn.spike>
  %r = snn.readout %l : tensor<2x!snn.spike> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}
