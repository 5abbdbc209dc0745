"""BNTT reference layers (Kim & Panda 2021 and its official code).

All layers work on time-major tensors [T, N, ...] (the whole run at once); this is the same math as
running the one-step graph T times because the network is feed-forward between steps and only the
LIF membranes and the readout accumulator carry state.

Canonical float32 evaluation order (the numpy interpreter uses the same order, bit for bit):
  BNTT (eval):   a_t = gamma_t / sqrt(var_t + eps);  y = (x - mean_t) * a_t  (+ beta_t if present)
  BN (eval):     a = gamma / sqrt(var + eps);        y = (x - mean) * a + beta
  LIF:           u = leak * u + x;  s = (u > threshold);  soft: u = u - threshold * s;  hard: u = 0 where s
                 (v2's general neuron: neuron_step)
  Readout:       acc = acc + x (t = 0..steps-1, in order);  y = acc / steps  (v2 membrane: membrane_step)
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def _chan_view(v, ndim):
    """[C] -> broadcastable over [N, C, ...] of rank ndim."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


class SurrogateSpike(torch.autograd.Function):
    """s = (u > threshold); ds/du = 0.3 * max(0, 1 - |u / threshold - 1|)."""

    @staticmethod
    def forward(ctx, u, threshold):
        ctx.save_for_backward(u)
        ctx.threshold = threshold
        return (u > threshold).to(u.dtype)

    @staticmethod
    def backward(ctx, grad):
        (u,) = ctx.saved_tensors
        sg = 0.3 * torch.clamp(1.0 - torch.abs(u / ctx.threshold - 1.0), min=0.0)
        return grad * sg, None


class BNTT(nn.Module):
    """Batch norm through time: per-step running mean/var and scale gamma_t, no beta (the paper's
    form) unless bias=True (a per-step beta [T, C], profile BNTT's optional fifth input).

    weight [T, C] = gamma (init 1), running_mean [T, C] (init 0), running_var [T, C] (init 1),
    bias [T, C] (init 0) or None.
    """

    def __init__(self, num_channels, num_steps, eps=1e-4, momentum=0.1, bias=False):
        super().__init__()
        self.num_channels = num_channels
        self.num_steps = num_steps
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_steps, num_channels))
        self.bias = nn.Parameter(torch.zeros(num_steps, num_channels)) if bias else None
        self.register_buffer("running_mean", torch.zeros(num_steps, num_channels))
        self.register_buffer("running_var", torch.ones(num_steps, num_channels))

    def forward(self, x):
        """x: [S, N, C, ...] with S <= num_steps (step s uses the statistics of step s)."""
        S = x.shape[0]
        if self.training:
            outs = []
            for t, xt in enumerate(x.unbind(0)):
                outs.append(F.batch_norm(xt, self.running_mean[t], self.running_var[t], self.weight[t],
                                         None if self.bias is None else self.bias[t], True,
                                         self.momentum, self.eps))
            return torch.stack(outs, 0)
        eps = torch.tensor(self.eps, dtype=torch.float32)  # float32 epsilon, as stored in ONNX
        a = self.weight[:S] / torch.sqrt(self.running_var[:S] + eps)
        shape = (S, 1, -1) + (1,) * (x.dim() - 3)
        y = (x - self.running_mean[:S].reshape(shape)) * a.reshape(shape)
        return y if self.bias is None else y + self.bias[:S].reshape(shape)


class GlobalAvgPool(nn.Module):
    """ONNX GlobalAveragePool: [N, C, H, W] -> [N, C, 1, 1], the mean over each channel's H x W
    (nn.AdaptiveAvgPool2d((1, 1)) of the official VGG11). Sum in row-major order, then / (H*W)."""

    def forward(self, x):
        s = x.reshape(x.shape[:2] + (-1,)).sum(-1)
        return (s / torch.full_like(s, float(x.shape[2] * x.shape[3]))).reshape(x.shape[:2] + (1, 1))


class StaticBN(nn.Module):
    """Ordinary (time-shared) batch norm with gamma and beta: the paper's 'Baseline + BN'."""

    def __init__(self, num_channels, eps=1e-4, momentum=0.1):
        super().__init__()
        self.num_channels = num_channels
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_channels))
        self.bias = nn.Parameter(torch.zeros(num_channels))
        self.register_buffer("running_mean", torch.zeros(num_channels))
        self.register_buffer("running_var", torch.ones(num_channels))

    def forward(self, x):
        if self.training:
            # Statistics over all steps and samples together (one BN shared through time).
            S, N = x.shape[:2]
            y = F.batch_norm(x.reshape((S * N,) + x.shape[2:]), self.running_mean, self.running_var,
                             self.weight, self.bias, True, self.momentum, self.eps)
            return y.reshape(x.shape)
        eps = torch.tensor(self.eps, dtype=torch.float32)
        a = self.weight / torch.sqrt(self.running_var + eps)
        shape = (1, 1, -1) + (1,) * (x.dim() - 3)
        return (x - self.running_mean.reshape(shape)) * a.reshape(shape) + self.bias.reshape(shape)


#: Reset modes: profile v1 has "soft" and "hard"; v2 adds "subtract" (= soft), "subtract-delayed"
#: (snnTorch's default: the spike of step t-1 is subtracted at step t, before the comparison),
#: "zero" (= hard, to v_reset) and "none".
RESETS_V1 = ("soft", "hard")
RESETS = RESETS_V1 + ("subtract", "subtract-delayed", "zero", "none")
_RESET_KIND = {"soft": "subtract", "hard": "zero"}


def _f32(v):
    """A neuron parameter as float32: a Python float stays a float (the value an ONNX FLOAT
    attribute stores), anything else becomes a float32 tensor (per channel [C] or per neuron)."""
    if isinstance(v, (int, float)):
        return float(torch.tensor(v, dtype=torch.float32))
    t = torch.as_tensor(v, dtype=torch.float32).detach().clone()
    return float(t) if t.dim() == 0 else t


def per_channel(v, ndim):
    """A parameter for a step tensor [N, C, ...] / [N, F] of rank ndim: a scalar as is, [C] as
    a channel view (1, C, 1, ...), any other shape (per neuron, the per-sample shape) as is.
    Works for torch tensors and numpy arrays alike."""
    if isinstance(v, float) or getattr(v, "ndim", 0) == 0:
        return v
    if v.ndim == 1:
        return v.reshape((1, -1) + (1,) * (ndim - 2))
    return v.reshape((1,) + tuple(v.shape))


def neuron_step(u, s_prev, syn, x, p, spike, where):
    """One step of the general neuron (docs/onnx-profile.md, LIF), for torch and numpy alike.

    u, s_prev, syn: membrane, previous spikes, synaptic current (None before step 0 / without a
    synapse); x: this step's input; p: dict of leak, threshold, reset kind, v_reset, syn_leak,
    syn_gain (broadcastable, float32); spike(v, thr) -> (s, s without gradient). Float32, two
    roundings per multiply-add, in the runtime's order:
      syn = syn_leak * syn + syn_gain * x          (CUBA; then x = syn)
      v = leak * u + x;  subtract-delayed: v = v - threshold * s_prev
      s = v > threshold (strict)
      subtract: u = v - threshold * s;  zero: u = v_reset where s;  else u = v.
    Returns (u, s, s without gradient, syn)."""
    if p.get("syn_leak") is not None:
        decayed = p["syn_leak"] * syn if syn is not None else p["syn_leak"] * (x * 0)
        syn = decayed + p["syn_gain"] * x
        x = syn
    v = p["leak"] * u + x if u is not None else p["leak"] * (x * 0) + x
    thr = p["threshold"]
    if p["reset"] == "subtract-delayed" and s_prev is not None:
        v = v - thr * s_prev
    s, sd = spike(v, thr)
    if p["reset"] == "subtract":
        u = v - thr * sd
    elif p["reset"] == "zero":
        u = where(sd > 0, v * 0 + p["v_reset"], v)
    else:
        u = v
    return u, s, sd, syn


class LIF(nn.Module):
    """Leaky integrate-and-fire (profile v1: u_t = leak*u_{t-1} + x_t; s_t = u_t > threshold;
    soft reset u_t -= threshold*s_t, hard reset u_t = 0 where s_t = 1; u_{-1} = 0), and the
    general neuron of profile v2: leak and threshold per channel ([C]) or per neuron (the
    per-sample shape, uniform within each channel for snnc), the resets of RESETS, v_reset for
    the zero reset, and a CUBA synapse (syn_leak, syn_gain per channel). See neuron_step."""

    def __init__(self, leak, threshold=1.0, reset="soft", v_reset=0.0, syn_leak=None, syn_gain=None):
        super().__init__()
        if reset not in RESETS:
            raise ValueError(f"reset must be one of {RESETS}, not {reset!r}")
        if syn_gain is not None and syn_leak is None:
            raise ValueError("syn_gain needs syn_leak")
        if v_reset and _RESET_KIND.get(reset, reset) != "zero":
            raise ValueError("v_reset needs the zero (hard) reset")
        # Keep the float32 values that the ONNX attributes store.
        self.leak = _f32(leak)
        self.threshold = _f32(threshold)
        self.reset = reset
        self.v_reset = _f32(v_reset)
        self.syn_leak = None if syn_leak is None else _f32(syn_leak)
        self.syn_gain = None if syn_leak is None else _f32(1.0 if syn_gain is None else syn_gain)

    def is_v1(self):
        """True when profile v1 can express the neuron."""
        return (self.reset in RESETS_V1 and isinstance(self.leak, float) and isinstance(self.threshold, float)
                and self.v_reset == 0.0 and self.syn_leak is None)

    def params(self, ndim, convert):
        """neuron_step's parameters for step tensors of rank ndim; convert(float or tensor)."""
        c = lambda v: per_channel(convert(v), ndim) if v is not None else None
        return {"leak": c(self.leak), "threshold": c(self.threshold), "reset": _RESET_KIND.get(self.reset, self.reset),
                "v_reset": c(self.v_reset), "syn_leak": c(self.syn_leak), "syn_gain": c(self.syn_gain)}

    def forward(self, x):
        """x: [S, N, ...] -> spikes [S, N, ...] (float 0/1)."""
        p = self.params(x.dim() - 1, lambda v: v.to(x.dtype) if torch.is_tensor(v) else torch.tensor(v, dtype=x.dtype))

        def spike(v, thr):
            s = SurrogateSpike.apply(v, thr)
            return s, s.detach()

        u = s = syn = None
        out = []
        for xt in x.unbind(0):
            u, s_out, s, syn = neuron_step(u, s, syn, xt, p, spike, torch.where)
            out.append(s_out)
        return torch.stack(out, 0)


class Readout(nn.Module):
    """Non-spiking output. mode "mean" (profile v1): accumulates its input over the executed
    steps, output = sum / steps. mode "membrane" (profile v2, NIR's LI/I): a leaky integrator
    acc = leak * acc + x (after a CUBA synapse syn = syn_leak * syn + syn_gain * x when given),
    output = acc after the last executed step.

    forward returns the running outputs for every exit step: [S, N, K] where row t is the output
    of a run stopped after t+1 steps.
    """

    def __init__(self, mode="mean", leak=1.0, syn_leak=None, syn_gain=None):
        super().__init__()
        if mode not in ("mean", "membrane"):
            raise ValueError(f"mode must be 'mean' or 'membrane', not {mode!r}")
        if mode == "mean" and (not isinstance(leak, (int, float)) or leak != 1.0 or syn_leak is not None):
            raise ValueError("leak and syn_leak need mode 'membrane'")
        self.mode = mode
        self.leak = _f32(leak)
        self.syn_leak = None if syn_leak is None else _f32(syn_leak)
        self.syn_gain = None if syn_leak is None else _f32(1.0 if syn_gain is None else syn_gain)

    def is_v1(self):
        return self.mode == "mean"

    def forward(self, x):
        if self.mode == "membrane":
            cv = lambda v: per_channel(v.to(x.dtype) if torch.is_tensor(v) else torch.tensor(v, dtype=x.dtype),
                                       x.dim() - 1)
            leak = cv(self.leak)
            syn_leak = cv(self.syn_leak) if self.syn_leak is not None else None
            syn_gain = cv(self.syn_gain) if self.syn_leak is not None else None
            acc = syn = None
            outs = []
            for xt in x.unbind(0):
                acc, syn = membrane_step(acc, syn, xt, leak, syn_leak, syn_gain)
                outs.append(acc)
            return torch.stack(outs, 0)
        acc = torch.zeros_like(x[0])
        outs = []
        for t, xt in enumerate(x.unbind(0)):
            acc = acc + xt
            # Tensor divisor: true IEEE division (a scalar divisor may become a reciprocal multiply).
            outs.append(acc / torch.full_like(acc, float(t + 1)))
        return torch.stack(outs, 0)


def membrane_step(acc, syn, x, leak, syn_leak=None, syn_gain=None):
    """One step of the membrane readout (torch or numpy; acc, syn None before step 0):
    acc = leak * acc + x, after a synapse syn = syn_leak * syn + syn_gain * x when syn_leak is
    given; two roundings each. Returns (acc, syn)."""
    if syn_leak is not None:
        syn = (syn_leak * syn if syn is not None else syn_leak * (x * 0)) + syn_gain * x
        x = syn
    acc = leak * acc + x if acc is not None else leak * (x * 0) + x
    return acc, syn
