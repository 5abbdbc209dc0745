"""snncref: the PyTorch/numpy reference of BNTT spiking networks for snnc.

Modules:
  encoder  Poisson (portable SplitMix64 hash) and direct encoders
  layers   BNTT, LIF (surrogate gradient), Readout, static BatchNorm
  models   the shipped architectures (SNN = ordered list of named layers)
  data     Fashion-MNIST (Debian IDX files) and scikit-learn digits
  export   export_onnx(): the snnc ONNX profile v1 writer (+ loader back to torch)
  interp   a numpy interpreter of the profile
  train    training CLI;  golden  info.json / golden data writer
"""

PROFILE_VERSION = 1
