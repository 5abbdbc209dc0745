"""An eval-mode re-implementation of the official BNTT models (SNN_VGG9_BNTT, SNN_VGG11_BNTT).

The official code (Intelligent-Computing-Lab-Yale/BNTT, model.py) runs a Python loop over time
steps: at step t every conv layer i does `mem_i = leak * mem_i + bntt_i[t](conv_i(x))`, spikes
where `mem_i / threshold - 1 > 0`, subtracts the threshold (1.0) where it spiked, and average-pools
after some layers; then `fc1 -> bntt_fc[t] -> LIF` and `fc2`, whose outputs accumulate without
spiking: `out = mem_fc2 / num_steps`. Every `bntt*` is an `nn.ModuleList` of `num_steps`
BatchNorm2d/1d (eps 1e-4, affine) whose bias was set to None, so its state-dict keys are
`bntt1.<t>.weight|running_mean|running_var|num_batches_tracked`. This module rebuilds the same
modules under the same names (so `load_state_dict` of an official checkpoint works), with the
channel widths as parameters (the tests use narrow networks), and runs them on given spike trains
instead of drawing `PoissonGen` spikes, so that a converted model can be compared spike for spike.
It is written from the description of the official code, not copied from it.
"""
import torch
import torch.nn as nn

# Channel widths, pools (index of the conv layer they follow: 2 = AvgPool2d(2), "gap" =
# AdaptiveAvgPool2d((1, 1))) and the hidden fc width of the official architectures.
ARCHS = {
    "vgg9": {"widths": [64, 64, 128, 128, 256, 256, 256], "pools": {1: 2, 3: 2, 6: 2}, "fc": 1024},
    "vgg11": {"widths": [64, 128, 256, 256, 512, 512, 512, 512],
              "pools": {0: 2, 1: 2, 3: 2, 5: 2, 7: "gap"}, "fc": 4096},
}


def spatial_after(arch, img_size):
    """Side length of the feature map that enters fc1."""
    s = img_size
    for p in ARCHS[arch]["pools"].values():
        s = 1 if p == "gap" else s // p
    return s


class OfficialVGG(nn.Module):
    """SNN_VGG9_BNTT / SNN_VGG11_BNTT in eval mode, on given spikes; widths default to the paper's."""

    def __init__(self, arch, num_steps, leak_mem, img_size=32, num_cls=10, widths=None, fc_width=None,
                 in_channels=3):
        super().__init__()
        cfg = ARCHS[arch]
        self.arch, self.num_steps, self.leak_mem, self.img_size = arch, num_steps, leak_mem, img_size
        widths = list(widths or cfg["widths"])
        fc_width = fc_width or cfg["fc"]
        self.threshold = 1.0
        prev = in_channels
        self.pool_after = {}
        for i, w in enumerate(widths, 1):
            setattr(self, f"conv{i}", nn.Conv2d(prev, w, kernel_size=3, stride=1, padding=1, bias=False))
            setattr(self, f"bntt{i}", nn.ModuleList(
                [nn.BatchNorm2d(w, eps=1e-4, momentum=0.1, affine=True) for _ in range(num_steps)]))
            prev = w
        self.num_conv = len(widths)
        for k, (i, p) in enumerate(sorted(cfg["pools"].items()), 1):
            mod = nn.AdaptiveAvgPool2d((1, 1)) if p == "gap" else nn.AvgPool2d(kernel_size=p)
            setattr(self, f"pool{k}", mod)
            self.pool_after[i] = f"pool{k}"
        side = spatial_after(arch, img_size)
        self.fc1 = nn.Linear(side * side * prev, fc_width, bias=False)
        self.bntt_fc = nn.ModuleList(
            [nn.BatchNorm1d(fc_width, eps=1e-4, momentum=0.1, affine=True) for _ in range(num_steps)])
        self.fc2 = nn.Linear(fc_width, num_cls, bias=False)
        for name, m in self.named_modules():  # "Turn off bias of BNTT", as the official code does
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.bias = None

    def lif_names(self):
        """The LIF layer names of the converted model, in order (convert_bntt uses the same)."""
        return [f"lif{i}" for i in range(1, self.num_conv + 1)] + ["lif_fc"]

    def _lif(self, mem, current):
        mem = self.leak_mem * mem + current
        mem_thr = mem / self.threshold - 1.0
        out = (mem_thr > 0).to(mem.dtype)
        rst = torch.zeros_like(mem)
        rst[mem_thr > 0] = self.threshold
        return mem - rst, out

    @torch.no_grad()
    def forward(self, spikes, calibrate=False):
        """spikes: [T, N, C, H, W] encoded input (what PoissonGen would give at each step).

        Returns (out_voltage [N, K] = mem_fc2 / num_steps, {lif name: spike counts int64 [N, T]}).
        calibrate=True first sets every batch norm's running statistics to the batch's (as a
        trained network's statistics would be), layer by layer and step by step."""
        self.eval()
        bn = (lambda m, x: _calibrated(m, x)) if calibrate else (lambda m, x: m(x))
        T, N = spikes.shape[:2]
        mem = [None] * (self.num_conv + 1)
        mem_fc2 = None
        counts = {n: torch.zeros((N, T), dtype=torch.int64) for n in self.lif_names()}
        for t in range(T):
            out_prev = spikes[t]
            for i in range(self.num_conv):
                cur = bn(getattr(self, f"bntt{i + 1}")[t], getattr(self, f"conv{i + 1}")(out_prev))
                mem[i], out_prev = self._lif(torch.zeros_like(cur) if mem[i] is None else mem[i], cur)
                counts[f"lif{i + 1}"][:, t] = out_prev.reshape(N, -1).sum(1).to(torch.int64)
                if i in self.pool_after:
                    out_prev = getattr(self, self.pool_after[i])(out_prev)
            out_prev = out_prev.reshape(N, -1)
            cur = bn(self.bntt_fc[t], self.fc1(out_prev))
            mem[-1], out_prev = self._lif(torch.zeros_like(cur) if mem[-1] is None else mem[-1], cur)
            counts["lif_fc"][:, t] = out_prev.sum(1).to(torch.int64)
            y = self.fc2(out_prev)
            mem_fc2 = y if mem_fc2 is None else mem_fc2 + y
        return mem_fc2 / self.num_steps, counts


def _calibrated(m, x):
    dims = [0] + list(range(2, x.dim()))
    m.running_mean.copy_(x.mean(dims))
    m.running_var.copy_(x.var(dims, unbiased=False))
    return m(x)


def randomize(model, seed=0, gamma=(0.5, 1.5), mean_scale=0.2, var=(0.5, 2.0)):
    """Random weights and BN statistics (for tests): xavier conv/fc weights (gain 2, as the
    official init), gamma, running mean and var drawn per step and channel."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in, fan_out = m.weight[0].numel(), m.weight.shape[0] * m.weight[0, 0].numel()
                bound = 2.0 * (6.0 / (fan_in + fan_out)) ** 0.5
                m.weight.copy_((torch.rand(m.weight.shape, generator=g) * 2 - 1) * bound)
            elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                C = m.num_features
                m.weight.copy_(gamma[0] + (gamma[1] - gamma[0]) * torch.rand(C, generator=g))
                m.running_mean.copy_(mean_scale * torch.randn(C, generator=g))
                m.running_var.copy_(var[0] + (var[1] - var[0]) * torch.rand(C, generator=g))
                m.num_batches_tracked.fill_(100)
    return model


def save_checkpoint(model, path, global_step=1, accuracy=0.0):
    """Writes `model` the way the official train.py does."""
    torch.save({"global_step": global_step, "state_dict": model.state_dict(), "accuracy": accuracy}, path)
