// RUN: snnc-opt %s -split-input-file -verify-diagnostics

// One network per verifier rule of the snn dialect.

// expected-error @+1 {{num_steps must be >= 1, got 0}}
snn.network @zero_steps(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 0 : i64} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{fold_mode must be "exact" or "paper", got "fast"}}
snn.network @bad_fold_mode(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 1 : i64, fold_mode = "fast"} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{early_exit_step must be in [1, num_steps = 4], got 5}}
snn.network @exit_too_late(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 4 : i64, early_exit_step = 5 : i64} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{early_exit_step must be in [1, num_steps = 4], got 0}}
snn.network @exit_zero(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 4 : i64, early_exit_step = 0 : i64} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{gamma_mean entry 'bntt1' has 1 values, expected num_steps = 2}}
snn.network @gamma_table_len(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64, gamma_mean = [#snn.gamma<"bntt1", [1.0]>]} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{gamma_mean lists layer 'bntt1' twice; layer names must be unique}}
snn.network @gamma_twice(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 1 : i64, gamma_mean = [#snn.gamma<"bntt1", [1.0]>, #snn.gamma<"bntt1", [0.5]>]} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{gamma_histogram entry 'bntt1' needs a range [lo, hi] with lo <= hi}}
snn.network @histogram_range(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 1 : i64, gamma_histogram = [#snn.gamma_histogram<"bntt1", [1.0, 0.5], [1, 0]>]} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{gamma_histogram entry 'bntt1' has 3 counts, expected num_steps = 2 x bins}}
snn.network @histogram_counts(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64, gamma_histogram = [#snn.gamma_histogram<"bntt1", [0.0, 1.0], [1, 0, 1]>]} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{gamma_histogram entry 'bntt1' has a negative count}}
snn.network @histogram_negative(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 1 : i64, gamma_histogram = [#snn.gamma_histogram<"bntt1", [0.0, 1.0], [2, -1]>]} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{gamma_histogram lists layer 'bntt1' twice; layer names must be unique}}
snn.network @histogram_twice(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 1 : i64, gamma_histogram = [#snn.gamma_histogram<"bntt1", [0.0, 1.0], [1]>, #snn.gamma_histogram<"bntt1", [0.0, 1.0], [1]>]} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}
// -----

// expected-error @+1 {{'snn.network' op attribute 'gamma_mean' failed to satisfy constraint: mean gamma per BNTT layer}}
snn.network @gamma_not_a_table(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 1 : i64, gamma_mean = [array<f32: 1.0>]} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @output_not_readout(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{operand #0 must be produced by snn.readout}}
  snn.output %x : tensor<4xf32>
}

// -----

snn.network @output_types(%x: tensor<4xf32>) -> tensor<3xf32> attributes {num_steps = 2 : i64} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  // expected-error @+1 {{operand types do not match the results of @output_types}}
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @poisson_scale_zero(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{scale = 0 must be in (0, inf)}}
  %y = snn.poisson_encode %x scale(0.0) : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @poisson_scale_nan(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{scale = nan must be in (0, inf)}}
  %y = snn.poisson_encode %x scale(0x7FC00000) : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @poisson_signed_type(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result element type must be '!snn.spike<signed>' for signed encoding}}
  %y = snn.poisson_encode %x scale(1.0) signed : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @poisson_unsigned_type(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result element type must be '!snn.spike' for unsigned encoding}}
  %y = snn.poisson_encode %x scale(1.0) : tensor<4xf32> -> tensor<4x!snn.spike<signed>>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @poisson_shape(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape [5] must equal the input shape [4]}}
  %y = snn.poisson_encode %x scale(1.0) : tensor<4xf32> -> tensor<5x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @poisson_input_type(%x: tensor<4x!snn.spike>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float values}}
  %y = snn.poisson_encode %x scale(1.0) : tensor<4x!snn.spike> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @direct_type(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result type must equal the input type}}
  %y = snn.direct_encode %x : tensor<4xf32> -> tensor<5xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_rank(%x: tensor<5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{input must be rank 3 [C, H, W], got [5, 5]}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_strides(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{strides values must be >= 1, got [0, 1]}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_strides_count(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{strides must have 2 values, got 1}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_dilations(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{dilations values must be >= 1, got [1, 0]}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 0>, groups = 1 : i64} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_pads(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{pads values must be >= 0, got [0, -1, 0, 0]}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, -1, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_weight_rank(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{weight must be rank 4 [O, C/groups, KH, KW]}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x9xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_channels(%x: tensor<3x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{input channels 3 must equal weight dim 1 (1) * groups (1)}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<3x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_groups(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{groups must be >= 1, got 0}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 0 : i64} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_groups_div(%x: tensor<2x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{output channels 3 must be divisible by groups 2}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<3x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 2 : i64} : tensor<2x5x5xf32> -> tensor<3x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_result(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape must be [2, 3, 3], got [2, 4, 4]}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x5x5xf32> -> tensor<2x4x4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_window(%x: tensor<1x2x2xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{window (kernel 3, dilation 1) does not fit input dim 1 of size 2 with pads 0+0}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x2xf32> -> tensor<2x1x1xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_weight_nan(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{weight[0, 0, 0, 0] = nan is not finite}}
  %y = snn.conv2d %x {weight = dense<0x7FC00000> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_weight_f64(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{weight must have element type f32, got 'f64'}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf64>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @conv_bias(%x: tensor<1x5x5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{bias must have shape [2], got [3]}}
  %y = snn.conv2d %x {weight = dense<1.0> : tensor<2x1x3x3xf32>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, bias = dense<0.0> : tensor<3xf32>} : tensor<1x5x5xf32> -> tensor<2x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @dense_rank(%x: tensor<1x4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{input must be rank 1 [I], got [1, 4]}}
  %y = snn.dense %x {weight = dense<1.0> : tensor<3x4xf32>} : tensor<1x4xf32> -> tensor<3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @dense_weight_rank(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{weight must be rank 2 [O, I]}}
  %y = snn.dense %x {weight = dense<1.0> : tensor<12xf32>} : tensor<4xf32> -> tensor<3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @dense_in(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{weight dim 1 (5) must equal the input size 4}}
  %y = snn.dense %x {weight = dense<1.0> : tensor<3x5xf32>} : tensor<4xf32> -> tensor<3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @dense_out(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape must be [3], got [2]}}
  %y = snn.dense %x {weight = dense<1.0> : tensor<3x4xf32>} : tensor<4xf32> -> tensor<2xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @dense_bias(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{bias must have shape [3], got [4]}}
  %y = snn.dense %x {weight = dense<1.0> : tensor<3x4xf32>, bias = dense<1.0> : tensor<4xf32>} : tensor<4xf32> -> tensor<3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @dense_inf(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{weight[2, 2] = inf is not finite}}
  %y = snn.dense %x {weight = dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 0x7F800000, 4.0]]> : tensor<3x4xf32>} : tensor<4xf32> -> tensor<3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @avg_rank(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{input must be rank 3 [C, H, W], got [4]}}
  %y = snn.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<4xf32> -> tensor<2xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @avg_kernel(%x: tensor<1x4x4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{kernel_shape values must be >= 1, got [0, 2]}}
  %y = snn.avg_pool2d %x {kernel_shape = array<i64: 0, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x4xf32> -> tensor<1x2x2xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @avg_pad_kernel(%x: tensor<1x4x4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{pads must be smaller than the kernel, got [2, 0, 0, 0] for kernel [2, 2]}}
  %y = snn.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>} : tensor<1x4x4xf32> -> tensor<1x3x2xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @avg_result(%x: tensor<1x4x4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape must be [1, 2, 2], got [1, 3, 3]}}
  %y = snn.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x4xf32> -> tensor<1x3x3xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @avg_spike_result(%x: tensor<1x4x4x!snn.spike>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 32-bit float values}}
  %y = snn.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x4x!snn.spike> -> tensor<1x2x2x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @max_elem(%x: tensor<1x4x4x!snn.spike>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result element type must equal the input's}}
  %y = snn.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x4x!snn.spike> -> tensor<1x2x2xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @max_strides(%x: tensor<1x4x4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{strides must have 2 values, got 3}}
  %y = snn.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x4xf32> -> tensor<1x2x2xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @flatten_count(%x: tensor<2x2x2xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result must be [8], got [7]}}
  %y = snn.flatten %x : tensor<2x2x2xf32> -> tensor<7xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @flatten_elem(%x: tensor<2x2x2x!snn.spike>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result element type must equal the input's}}
  %y = snn.flatten %x : tensor<2x2x2x!snn.spike> -> tensor<8xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @add_shape(%x: tensor<4xf32>, %w: tensor<5xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape [5] must equal the input shape [4]}}
  %y = snn.add %x, %w : tensor<4xf32>, tensor<5xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @add_result(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape [5] must equal the input shape [4]}}
  %y = snn.add %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<5xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bntt_steps(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{gamma must have shape [T, C] = [2, 4] (T = num_steps of the network, C = input dim 0), got [3, 4]}}
  %y = snn.bntt %x {gamma = dense<1.0> : tensor<3x4xf32>, mean = dense<0.0> : tensor<2x4xf32>, var = dense<1.0> : tensor<2x4xf32>, epsilon = 1.0e-4 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bntt_channels(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{mean must have shape [2, 4], got [2, 3]}}
  %y = snn.bntt %x {gamma = dense<1.0> : tensor<2x4xf32>, mean = dense<0.0> : tensor<2x3xf32>, var = dense<1.0> : tensor<2x4xf32>, epsilon = 1.0e-4 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bntt_rank(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{var must have shape [T, C] = [2, 4] (T = num_steps of the network, C = input dim 0), got [8]}}
  %y = snn.bntt %x {gamma = dense<1.0> : tensor<2x4xf32>, mean = dense<0.0> : tensor<2x4xf32>, var = dense<1.0> : tensor<8xf32>, epsilon = 1.0e-4 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bntt_var_negative(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{var[1, 1] = -0.5 must be >= 0}}
  %y = snn.bntt %x {gamma = dense<1.0> : tensor<2x4xf32>, mean = dense<0.0> : tensor<2x4xf32>, var = dense<[[1.0, 1.0, 1.0, 1.0], [1.0, -0.5, 1.0, 1.0]]> : tensor<2x4xf32>, epsilon = 1.0e-4 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bntt_gamma_nan(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{gamma[1, 2] = nan is not finite}}
  %y = snn.bntt %x {gamma = dense<[[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 0x7FC00000, 1.0]]> : tensor<2x4xf32>, mean = dense<0.0> : tensor<2x4xf32>, var = dense<1.0> : tensor<2x4xf32>, epsilon = 1.0e-4 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bntt_mean_inf(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{mean[0, 0] = -inf is not finite}}
  %y = snn.bntt %x {gamma = dense<1.0> : tensor<2x4xf32>, mean = dense<0xFF800000> : tensor<2x4xf32>, var = dense<1.0> : tensor<2x4xf32>, epsilon = 1.0e-4 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bntt_eps(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{epsilon = 0 must be in (0, inf)}}
  %y = snn.bntt %x {gamma = dense<1.0> : tensor<2x4xf32>, mean = dense<0.0> : tensor<2x4xf32>, var = dense<1.0> : tensor<2x4xf32>, epsilon = 0.0 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bntt_result(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape [2, 2] must equal the input shape [4]}}
  %y = snn.bntt %x {gamma = dense<1.0> : tensor<2x4xf32>, mean = dense<0.0> : tensor<2x4xf32>, var = dense<1.0> : tensor<2x4xf32>, epsilon = 1.0e-4 : f32} : tensor<4xf32> -> tensor<2x2xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bn_shape(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{scale must have shape [4], got [3]}}
  %y = snn.batch_norm %x {scale = dense<1.0> : tensor<3xf32>, bias = dense<0.0> : tensor<4xf32>, mean = dense<0.0> : tensor<4xf32>, var = dense<1.0> : tensor<4xf32>, epsilon = 1.0e-5 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bn_var(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{var[0] = -1 must be >= 0}}
  %y = snn.batch_norm %x {scale = dense<1.0> : tensor<4xf32>, bias = dense<0.0> : tensor<4xf32>, mean = dense<0.0> : tensor<4xf32>, var = dense<-1.0> : tensor<4xf32>, epsilon = 1.0e-5 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bn_eps(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{epsilon = -1 must be in (0, inf)}}
  %y = snn.batch_norm %x {scale = dense<1.0> : tensor<4xf32>, bias = dense<0.0> : tensor<4xf32>, mean = dense<0.0> : tensor<4xf32>, var = dense<1.0> : tensor<4xf32>, epsilon = -1.0 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @bn_bias_nan(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{bias[0] = nan is not finite}}
  %y = snn.batch_norm %x {scale = dense<1.0> : tensor<4xf32>, bias = dense<0x7FC00000> : tensor<4xf32>, mean = dense<0.0> : tensor<4xf32>, var = dense<1.0> : tensor<4xf32>, epsilon = 1.0e-5 : f32} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_leak_negative(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{leak = -0.5 must be in [0, 1]}}
  %y = snn.lif %x {leak = -0.5 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_leak_big(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{leak = 1.5 must be in [0, 1]}}
  %y = snn.lif %x {leak = 1.5 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_threshold(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{threshold = -1 must be in (0, inf)}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = -1.0 : f32, reset = #snn.reset<soft>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_threshold_inf(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{threshold = inf must be in (0, inf)}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 0x7F800000 : f32, reset = #snn.reset<soft>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_result_signed(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result element type must be !snn.spike (unsigned)}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>} : tensor<4xf32> -> tensor<4x!snn.spike<signed>>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_result_shape(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape [3] must equal the input shape [4]}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>} : tensor<4xf32> -> tensor<3x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_result_graded(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result #0 must be statically shaped tensor of a binary (or signed ternary) spike values}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_reset(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{attribute 'reset' failed to satisfy constraint}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = 1 : i32} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_table_steps(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{threshold_table must have shape [T, C] = [2, 4] (T = num_steps of the network, C = input dim 0), got [3, 4]}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>, threshold_table = dense<1.0> : tensor<3x4xf32>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_table_channels(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{leak_table must have shape [2, 4], got [2, 2]}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>, leak_table = dense<1.0> : tensor<2x2xf32>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_threshold_table(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{threshold_table[1, 3] = 0 must be > 0}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>, threshold_table = dense<[[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]]> : tensor<2x4xf32>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_leak_table(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{leak_table[0, 0] = -0.5 must be >= 0}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>, leak_table = dense<-0.5> : tensor<2x4xf32>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_bias_table(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{bias_table[0, 0] = inf is not finite}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>, bias_table = dense<0x7F800000> : tensor<2x4xf32>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_gain_table(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{gain_table[0, 0] = nan is not finite}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>, gain_table = dense<0x7FC00000> : tensor<2x4xf32>} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @readout_shape(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{result shape [2] must equal the input shape [4]}}
  %y = snn.readout %x : tensor<4xf32> -> tensor<2xf32>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{expected 'signed'}}
snn.network @bad_spike(%x: tensor<4x!snn.spike<unsigned>>) -> tensor<4xf32> attributes {num_steps = 1 : i64} {
}

// -----

// expected-error @+1 {{num_steps must be <= 65536 (snnc/Support/Limits.h), got 65537}}
snn.network @too_many_steps(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 65537 : i64} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{gamma_mean lists layer 'nosuch', which is not a snn.bntt op of this network}}
snn.network @gamma_names_missing_layer(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64, gamma_mean = [#snn.gamma<"nosuch", [1.0]>]} {
  %a = snn.bntt %x {gamma = dense<1.0> : tensor<1x2xf32>, mean = dense<0.0> : tensor<1x2xf32>, var = dense<1.0> : tensor<1x2xf32>, epsilon = 1.0e-4 : f32} : tensor<2xf32> -> tensor<2xf32> loc("bntt1")
  %r = snn.readout %a : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// expected-error @+1 {{gamma_histogram lists layer 'nosuch', which is not a snn.bntt op of this network}}
snn.network @histogram_names_missing_layer(%x: tensor<2xf32>) -> tensor<2xf32> attributes {num_steps = 1 : i64, gamma_histogram = [#snn.gamma_histogram<"nosuch", [0.0, 1.0], [1]>]} {
  %a = snn.bntt %x {gamma = dense<1.0> : tensor<1x2xf32>, mean = dense<0.0> : tensor<1x2xf32>, var = dense<1.0> : tensor<1x2xf32>, epsilon = 1.0e-4 : f32} : tensor<2xf32> -> tensor<2xf32> loc("bntt1")
  %r = snn.readout %a : tensor<2xf32> -> tensor<2xf32>
  snn.output %r : tensor<2xf32>
}

// -----

// expected-error @+1 {{gamma_mean entry names a layer of 0 bytes, expected 1..1024}}
snn.network @gamma_empty_name(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 1 : i64, gamma_mean = [#snn.gamma<"", [1.0]>]} {
  %r = snn.readout %x : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @lif_reset_value_soft(%x: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{reset_value needs the hard (zero) reset}}
  %y = snn.lif %x {leak = 0.9 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>, reset_value = 0.5 : f32} : tensor<4xf32> -> tensor<4x!snn.spike>
  %r = snn.readout %z : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @readout_leak_without_membrane(%z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{leak needs the membrane readout}}
  %r = snn.readout %z {leak = array<f32: 1.0, 1.0, 1.0, 1.0>} : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @readout_leak_range(%z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{leak value 1.5 must be finite and in [0, 1]}}
  %r = snn.readout %z {membrane, leak = array<f32: 1.5, 1.0, 1.0, 1.0>} : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @readout_gain_count(%z: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{gain must have 4 values (one per channel), got 2}}
  %r = snn.readout %z {membrane, gain = array<f32: 1.0, 1.0>} : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}

// -----

snn.network @per_step_normalised(%x: tensor<4xf32>) -> tensor<4xf32> attributes {num_steps = 2 : i64} {
  // expected-error @+1 {{per_step input cannot be normalised (mean/std)}}
  %e = snn.direct_encode %x {per_step, mean = array<f32: 0.0, 0.0, 0.0, 0.0>, std = array<f32: 1.0, 1.0, 1.0, 1.0>} : tensor<4xf32> -> tensor<4xf32>
  %r = snn.readout %e : tensor<4xf32> -> tensor<4xf32>
  snn.output %r : tensor<4xf32>
}
