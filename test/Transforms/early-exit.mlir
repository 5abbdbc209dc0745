// RUN: snnc-opt %s -split-input-file -snn-early-exit | FileCheck %s
// RUN: snnc-opt %s -split-input-file -snn-early-exit=threshold=0.13 | FileCheck %s --check-prefix=T13
// RUN: snnc-opt %s -split-input-file -snn-early-exit=apply=false | FileCheck %s --check-prefix=NOAPPLY
// RUN: snnc-opt %s -split-input-file -snn-early-exit=report=true 2>&1 >/dev/null | FileCheck %s --check-prefix=REPORT

// Layer means per step (signed, over channels):
//   bntt9:  0.5 0.9 0.2 0.075 0.0 0.05   (step 4 is +0.2/-0.2: signed mean 0)
//   bntt10: 0.2 0.3 0.15 0.12 0.05 0.0
// gamma_mean lists them in network order (not sorted: bntt10 < bntt9).
// Threshold 0.1: steps 4 and 5 are quiet in both layers, step 3 is not: exit 4.
// Threshold 0.13: step 3 is quiet too, step 2 is not: exit 3.

// CHECK-LABEL: snn.network @two_layers
// CHECK-SAME: early_exit_step = 4 : i64
// CHECK-SAME: early_exit_threshold = 1.000000e-01 : f64
// The histograms span each layer's gamma range in 20 bins; at step 0 both of
// bntt9's channels (0.5) fall in bin floor((0.5 + 0.2) / 1.2 * 20) = 11.
// CHECK-SAME: gamma_histogram = [#snn.gamma_histogram<"bntt9", [-2.000000e-01, 1.000000e+00], [{{(0, ){11}2}}, {{(0, ){8}0}}, {{[0-9, ]*}}]>, #snn.gamma_histogram<"bntt10", [0.000000e+00, 3.000000e-01], [{{[0-9, ]*}}]>]
// CHECK-SAME: gamma_mean = [#snn.gamma<"bntt9", [5.000000e-01, 9.000000e-01, 2.000000e-01, 7.500000e-02, 0.000000e+00, 5.000000e-02]>, #snn.gamma<"bntt10", [2.000000e-01, 3.000000e-01, 1.500000e-01, 1.200000e-01, 5.000000e-02, 0.000000e+00]>]
// T13-LABEL: snn.network @two_layers
// T13-SAME: early_exit_step = 3 : i64
// T13-SAME: early_exit_threshold = 1.300000e-01 : f64
// NOAPPLY-LABEL: snn.network @two_layers
// NOAPPLY-NOT: early_exit_step
// NOAPPLY-SAME: gamma_mean
// REPORT: remark: mean gamma per layer and step (threshold 0.1, early-exit step 4 of 6)
// REPORT-NEXT: step       0      1      2      3      4      5
// REPORT-NEXT: bntt9  0.500  0.900  0.200  0.075  0.000  0.050
// REPORT-NEXT: bntt10  0.200  0.300  0.150  0.120  0.050  0.000
snn.network @two_layers(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 6 : i64} {
  %a = snn.bntt %x {gamma = dense<[[0.5, 0.5], [1.0, 0.8], [0.3, 0.1], [0.05, 0.1], [0.2, -0.2], [0.0, 0.1]]> : tensor<6x2xf32>,
                    mean = dense<0.0> : tensor<6x2xf32>, var = dense<1.0> : tensor<6x2xf32>, epsilon = 1.0e-4 : f32} : tensor<2xf32> -> tensor<2xf32> loc("bntt9")
  %b = snn.bntt %a {gamma = dense<[[0.2, 0.2], [0.3, 0.3], [0.15, 0.15], [0.12, 0.12], [0.05, 0.05], [0.0, 0.0]]> : tensor<6x2xf32>,
                    mean = dense<0.0> : tensor<6x2xf32>, var = dense<1.0> : tensor<6x2xf32>, epsilon = 1.0e-4 : f32} : tensor<2xf32> -> tensor<2xf32> loc("bntt10")
  %r = snn.readout %b : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// No BNTT layer: every step runs.
// CHECK-LABEL: snn.network @no_bntt
// CHECK-SAME: early_exit_step = 5 : i64
// CHECK-SAME: gamma_mean = []
snn.network @no_bntt(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 5 : i64} {
  %r = snn.readout %x : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// Every step is quiet: still at least one step runs.
// CHECK-LABEL: snn.network @all_quiet
// CHECK-SAME: early_exit_step = 1 : i64
snn.network @all_quiet(%x: tensor<1xf32>) -> tensor<1xf32> attributes {num_steps = 3 : i64} {
  %a = snn.bntt %x {gamma = dense<0.01> : tensor<3x1xf32>, mean = dense<0.0> : tensor<3x1xf32>, var = dense<1.0> : tensor<3x1xf32>, epsilon = 1.0e-4 : f32} : tensor<1xf32> -> tensor<1xf32>
  %r = snn.readout %a : tensor<1xf32> -> tensor<1xf32>
  snn.output %r : tensor<1xf32>
}

// -----

// Quiet early but loud at the last step: no step can be skipped. Unnamed
// layers get stable generated names.
// CHECK-LABEL: snn.network @loud_last
// CHECK-SAME: early_exit_step = 3 : i64
// CHECK-SAME: gamma_histogram = [#snn.gamma_histogram<"bntt_0", [5.000000e-02, 5.000000e-01], [1, {{(0, ){19}1}}, {{(0, ){38}1}}]>]
// CHECK-SAME: gamma_mean = [#snn.gamma<"bntt_0", [5.000000e-02, 5.000000e-02, 5.000000e-01]>]
snn.network @loud_last(%x: tensor<1xf32>) -> tensor<1xf32> attributes {num_steps = 3 : i64} {
  %a = snn.bntt %x {gamma = dense<[[0.05], [0.05], [0.5]]> : tensor<3x1xf32>, mean = dense<0.0> : tensor<3x1xf32>, var = dense<1.0> : tensor<3x1xf32>, epsilon = 1.0e-4 : f32} : tensor<1xf32> -> tensor<1xf32>
  %r = snn.readout %a : tensor<1xf32> -> tensor<1xf32>
  snn.output %r : tensor<1xf32>
}

// -----

// Already folded: the recorded table decides (here with threshold 0.1).
// CHECK-LABEL: snn.network @recorded
// CHECK-SAME: early_exit_step = 2 : i64
snn.network @recorded(%x: tensor<1xf32>) -> tensor<1xf32> attributes {num_steps = 3 : i64, gamma_mean = [#snn.gamma<"bntt1", [0.5, 0.3, 0.01]>]} {
  %r = snn.readout %x : tensor<1xf32> -> tensor<1xf32>
  snn.output %r : tensor<1xf32>
}
