// The translation fails with a diagnostic, and writes nothing, when the module
// has no single network or the emitted model breaks a model.bin rule.
// RUN: not snnc-translate --snn-to-modelbin %s -split-input-file -o %t.bin 2>&1 | FileCheck %s

// CHECK: error: expected exactly one snn.network
module {
}

// -----

// The validator (modelbin::validate) rejects a network without an encoder.
// CHECK: error: the compiled network breaks a model.bin rule of the runtime: layer 0 {{.*}}
snn.network @no_encoder(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64} {
  %d = snn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : tensor<2xf32> -> tensor<2xf32>
  %r = snn.readout %d : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}
