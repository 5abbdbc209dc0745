// RUN: snnc-opt %s -split-input-file -snn-fold-bntt 2>/dev/null | FileCheck %s --check-prefix=EXACT
// RUN: snnc-opt %s -split-input-file -snn-fold-bntt=mode=paper 2>/dev/null | FileCheck %s --check-prefix=PAPER
// RUN: snnc-opt %s -split-input-file -snn-fold-bntt 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: snnc-opt %s -split-input-file -snn-fold-bntt=mode=paper 2>&1 >/dev/null | FileCheck %s --check-prefix=PAPER-REMARK
// RUN: not snnc-opt %s -snn-fold-bntt=mode=bogus 2>&1 | FileCheck %s --check-prefix=BADMODE

// theta = 1, leak = 0.5, epsilon = 1, var = 3 so sqrt(var + eps) = 2 and
// k = gamma / 2:  k = [[0.5, 1], [0.25, -0.5], [0, 2]] (rows are steps).
// Exact: state scale s_t = |k_t| (kept from t-1 where k_t = 0);
//   threshold = theta / s_t, leak = leak * s_{t-1} / s_t,
//   bias = -sign(k_t) * mean_t, gain = sign(k_t).
// EXACT-LABEL: snn.network @fold
// EXACT-SAME: fold_mode = "exact"
// EXACT-NOT: snn.bntt
// EXACT: snn.lif %arg0 {
// EXACT-SAME: bias_table = dense<{{\[\[}}-1.000000e-01, -2.000000e-01], [-3.000000e-01, 4.000000e-01], [0.000000e+00, -6.000000e-01]]> : tensor<3x2xf32>
// EXACT-SAME: gain_table = dense<{{\[\[}}1.000000e+00, 1.000000e+00], [1.000000e+00, -1.000000e+00], [0.000000e+00, 1.000000e+00]]> : tensor<3x2xf32>
// EXACT-SAME: leak_table = dense<{{\[\[}}5.000000e-01, 5.000000e-01], [1.000000e+00, 1.000000e+00], [5.000000e-01, 1.250000e-01]]> : tensor<3x2xf32>
// EXACT-SAME: threshold_table = dense<{{\[\[}}2.000000e+00, 1.000000e+00], [4.000000e+00, 2.000000e+00], [4.000000e+00, 5.000000e-01]]> : tensor<3x2xf32>
// Paper (eq. 15): threshold theta * sqrt(var + eps) / |gamma|, nothing else;
// gamma = 0 never fires (threshold = FLT_MAX).
// PAPER-LABEL: snn.network @fold
// PAPER-SAME: fold_mode = "paper"
// PAPER: snn.lif %arg0 {
// PAPER-SAME: bias_table = dense<0.000000e+00> : tensor<3x2xf32>
// PAPER-SAME: gain_table = dense<{{\[\[}}1.000000e+00, 1.000000e+00], [1.000000e+00, -1.000000e+00], [0.000000e+00, 1.000000e+00]]> : tensor<3x2xf32>
// PAPER-SAME: leak_table = dense<5.000000e-01> : tensor<3x2xf32>
// PAPER-SAME: threshold_table = dense<{{\[\[}}2.000000e+00, 1.000000e+00], [4.000000e+00, 2.000000e+00], [3.40282347E+38, 5.000000e-01]]> : tensor<3x2xf32>
// REMARK: remark: BNTT layer 'bn1' has 2 (step, channel) entries with gamma <= 0 (or too small to scale): a zero gamma gates the input off at that step (only stored potential can fire), a negative gamma flips the input's sign (gain -1); first: (step 1, channel 1, gamma -1) (step 2, channel 0, gamma 0)
// PAPER-REMARK: (the channel cannot fire)
// PAPER-REMARK: warning: paper-mode fold of 'bn1' is approximate: it neglects the BNTT mean (up to 1.2 thresholds of input per step, at step 2, channel 1) and keeps the leak unchanged where exact folding scales it by k_{t-1}/k_t (in [0.25, 2]); the default --fold=exact is exact
snn.network @fold(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 3 : i64} {
  %b = snn.bntt %x {gamma = dense<[[1.0, 2.0], [0.5, -1.0], [0.0, 4.0]]> : tensor<3x2xf32>,
                    mean = dense<[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]> : tensor<3x2xf32>,
                    var = dense<3.0> : tensor<3x2xf32>, epsilon = 1.0 : f32} : tensor<2xf32> -> tensor<2xf32> loc("bn1")
  %l = snn.lif %b {leak = 0.5 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>} : tensor<2xf32> -> tensor<2x!snn.spike>
  %r = snn.readout %l : tensor<2x!snn.spike> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// A BNTT that does not feed a LIF stays, with a remark saying why.
// EXACT-LABEL: snn.network @not_before_lif
// EXACT: snn.bntt
// REMARK: warning: not folded: its result does not feed exactly one snn.lif
snn.network @not_before_lif(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64} {
  %b = snn.bntt %x {gamma = dense<1.0> : tensor<1x2xf32>, mean = dense<0.0> : tensor<1x2xf32>, var = dense<1.0> : tensor<1x2xf32>, epsilon = 1.0e-4 : f32} : tensor<2xf32> -> tensor<2xf32>
  %r = snn.readout %b : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// A BNTT before a current-based (CUBA) neuron stays: the synapse sums its output over steps.
// EXACT-LABEL: snn.network @before_cuba
// EXACT: snn.bntt
// EXACT: snn.lif %0 {leak = 5.000000e-01 : f32, reset = #snn.reset<hard>, syn_gain = array<f32: 1.000000e+00, 1.000000e+00>, syn_leak = array<f32: 8.000000e-01, 8.000000e-01>
// REMARK: warning: not folded: the following snn.lif is current-based (CUBA), whose synaptic current sums the BNTT's output over steps; it stays a per-step channel affine map (exact)
snn.network @before_cuba(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64} {
  %b = snn.bntt %x {gamma = dense<1.0> : tensor<1x2xf32>, mean = dense<0.0> : tensor<1x2xf32>, var = dense<1.0> : tensor<1x2xf32>, epsilon = 1.0e-4 : f32} : tensor<2xf32> -> tensor<2xf32>
  %l = snn.lif %b {leak = 0.5 : f32, threshold = 1.0 : f32, reset = #snn.reset<hard>, syn_leak = array<f32: 0.8, 0.8>, syn_gain = array<f32: 1.0, 1.0>} : tensor<2xf32> -> tensor<2x!snn.spike>
  %r = snn.readout %l : tensor<2x!snn.spike> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// Large tables are written as resource blobs, named after the LIF layer.
// EXACT-LABEL: snn.network @large
// EXACT: snn.lif %arg0 {bias_table = dense_resource<lif1_bias> : tensor<2x40xf32>, gain_table = dense_resource<lif1_gain> : tensor<2x40xf32>
// EXACT-SAME: leak_table = dense_resource<lif1_leak> : tensor<2x40xf32>
// EXACT-SAME: threshold_table = dense_resource<lif1_threshold> : tensor<2x40xf32>
snn.network @large(%x: tensor<40xf32>) -> tensor<40xf32> attributes {num_steps = 2 : i64} {
  %b = snn.bntt %x {gamma = dense<1.0> : tensor<2x40xf32>, mean = dense<0.0> : tensor<2x40xf32>, var = dense<1.0> : tensor<2x40xf32>, epsilon = 1.0e-4 : f32} : tensor<40xf32> -> tensor<40xf32>
  %l = snn.lif %b {leak = 0.5 : f32, threshold = 1.0 : f32, reset = #snn.reset<hard>} : tensor<40xf32> -> tensor<40x!snn.spike> loc("lif1")
  %r = snn.readout %l : tensor<40x!snn.spike> -> tensor<40xf32>
  snn.output %r : tensor<40xf32>
}

// BADMODE: for the --mode option: Cannot find option named 'bogus'!
