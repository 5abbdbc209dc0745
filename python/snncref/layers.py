"""BNTT reference layers (Kim & Panda 2021 and its official code).

All layers work on time-major tensors [T, N, ...] (the whole run at once); this is the same math as
running the one-step graph T times because the network is feed-forward between steps and only the
LIF membranes and the readout accumulator carry state.

Canonical float32 evaluation order (the numpy interpreter uses the same order, bit for bit):
  BNTT (eval):   a_t = gamma_t / sqrt(var_t + eps);  y = (x - mean_t) * a_t  (+ beta_t if present)
  BN (eval):     a = gamma / sqrt(var + eps);        y = (x - mean) * a + beta
  LIF:           u = leak * u + x;  s = (u > threshold);  soft: u = u - threshold * s;  hard: u = u * (1 - s)
  Readout:       acc = acc + x (t = 0..steps-1, in order);  y = acc / steps
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


class LIF(nn.Module):
    """Leaky integrate-and-fire: u_t = leak*u_{t-1} + x_t; s_t = u_t > threshold (strict);
    soft reset u_t -= threshold*s_t, hard reset u_t = 0 where s_t = 1; u_{-1} = 0."""

    def __init__(self, leak, threshold=1.0, reset="soft"):
        super().__init__()
        if reset not in ("soft", "hard"):
            raise ValueError(f"reset must be 'soft' or 'hard', not {reset!r}")
        # Keep the float32 value that the ONNX attribute stores.
        self.leak = float(torch.tensor(leak, dtype=torch.float32))
        self.threshold = float(torch.tensor(threshold, dtype=torch.float32))
        self.reset = reset

    def forward(self, x):
        """x: [S, N, ...] -> spikes [S, N, ...] (float 0/1)."""
        leak = torch.tensor(self.leak, dtype=x.dtype)
        thr = torch.tensor(self.threshold, dtype=x.dtype)
        u = torch.zeros_like(x[0])
        out = []
        for xt in x.unbind(0):
            u = leak * u + xt
            s = SurrogateSpike.apply(u, self.threshold)
            sd = s.detach()
            if self.reset == "soft":
                u = u - thr * sd
            else:
                u = u * (1.0 - sd)
            out.append(s)
        return torch.stack(out, 0)


class Readout(nn.Module):
    """Non-spiking output: accumulates its input over the executed steps, output = sum / steps.

    forward returns the running outputs for every exit step: [S, N, K] where row t = acc_t / (t+1).
    """

    def forward(self, x):
        acc = torch.zeros_like(x[0])
        outs = []
        for t, xt in enumerate(x.unbind(0)):
            acc = acc + xt
            # Tensor divisor: true IEEE division (a scalar divisor may become a reciprocal multiply).
            outs.append(acc / torch.full_like(acc, float(t + 1)))
        return torch.stack(outs, 0)
