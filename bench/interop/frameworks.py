"""The framework side of the interop benchmark (run_interop.py): builds, trains, exports and
simulates small networks in snnTorch and sinabs with their own NIR exporters.

Each case returns spike counts of the output layer, [N, classes] summed over the T steps, under
two readings of the same trained weights:
* native: the framework's network exactly as it was trained (snnTorch's default Leaky subtracts
  the threshold one step late; sinabs's IAF emits several spikes per step and subtracts);
* nir: the reading NIR defines and snnc implements (reset to v_reset in the step a neuron fires,
  one spike per step): for snnTorch its own `import_from_nir` of the exported file, for sinabs
  the same sinabs layers with `SingleSpike` and `MembraneReset` (sinabs's `from_nir` builds its
  native multi-spike layers again, so it is no reading of NIR).
The workarounds the exporters need (snnTorch 1.0 with nirtorch 2: per-neuron beta and threshold
arrays and `ignore_dims=[0]`; sinabs: `infer_types()` before `nir.write`) are applied here and
listed in docs/interop.md.
"""
import numpy as np
import torch

import nir


class SpikeTap:
    """Sums each neuron module's output spikes per sample, in module order (the per-layer spike
    counts compared with snnc-run's --sample-spikes)."""

    def __init__(self, net, types, samples):
        self.samples, self.totals, self.handles = samples, [], []
        for m in net.modules():
            if isinstance(m, types):
                slot = len(self.totals)
                self.totals.append(0)
                self.handles.append(m.register_forward_hook(self._hook(slot)))

    def _hook(self, slot):
        def hook(module, inputs, out):
            spk = out[0] if isinstance(out, tuple) else out
            self.totals[slot] = self.totals[slot] + spk.reshape(self.samples, -1).sum(1)
        return hook

    def close(self):
        for h in self.handles:
            h.remove()
        return [np.asarray(t) for t in self.totals]


def _train(net, step_fn, x, y, epochs, lr, batch=128, seed=0):
    """BPTT on spike counts: cross-entropy of the summed output spikes."""
    torch.manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    n = len(x)
    for _ in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            counts = step_fn(net, torch.from_numpy(x[idx.numpy()]))
            loss = torch.nn.functional.cross_entropy(counts, torch.from_numpy(y[idx.numpy()]))
            opt.zero_grad()
            loss.backward()
            opt.step()


# ----------------------------------------------------------------------------- snnTorch

def _snntorch_counts(net, x):
    """x [B, T, ...] -> output spike counts [B, C] of an init_hidden snnTorch Sequential."""
    import snntorch.utils
    snntorch.utils.reset(net)
    total = 0
    for t in range(x.shape[1]):
        out = net(x[:, t])
        spk = out[0] if isinstance(out, tuple) else out
        total = total + spk
    return total


def _leaky(shape, beta, reset, learn_beta=False):
    import snntorch as snn
    from snntorch import surrogate
    # Per-neuron arrays: snnTorch 1.0's exporter with nirtorch 2 fails on scalars (the LIF node
    # gets shape [] and nir's type inference rejects the edge).
    kw = dict(beta=torch.full(shape, beta), threshold=torch.ones(shape), init_hidden=True,
              learn_beta=learn_beta, spike_grad=surrogate.fast_sigmoid(slope=25))
    if reset == "zero":
        kw.update(reset_mechanism="zero", reset_delay=False)
    return snn.Leaky(**kw)


def _synaptic(shape, alpha, beta, reset):
    """snnTorch's CUBA neuron (exported as NIR CubaLIF), per-neuron arrays as for Leaky."""
    import snntorch as snn
    from snntorch import surrogate
    kw = dict(alpha=torch.full(shape, alpha), beta=torch.full(shape, beta),
              threshold=torch.ones(shape), init_hidden=True,
              spike_grad=surrogate.fast_sigmoid(slope=25))
    if reset == "zero":
        kw.update(reset_mechanism="zero", reset_delay=False)
    return snn.Synaptic(**kw)


def snntorch_mlp(features, hidden, classes, reset, learn_beta, neuron="leaky"):
    if neuron == "synaptic":
        make = lambda n, beta: _synaptic((n,), 0.6, beta, reset)
    else:
        make = lambda n, beta: _leaky((n,), beta, reset, learn_beta)
    layers = [torch.nn.Linear(features, hidden), make(hidden, 0.9),
              torch.nn.Linear(hidden, classes), make(classes, 0.8)]
    return torch.nn.Sequential(*layers)


def snntorch_conv(shape, channels, classes, reset):
    c, h, w = shape
    return torch.nn.Sequential(
        torch.nn.Conv2d(c, channels, 3, padding=1), _leaky((channels, h, w), 0.9, reset),
        torch.nn.AvgPool2d((2, 2)), torch.nn.Flatten(),  # a pair: nir needs arrays
        torch.nn.Linear(channels * (h // 2) * (w // 2), classes), _leaky((classes,), 0.8, reset))


def snntorch_case(net, x_train, y_train, x_test, path, epochs, lr):
    from snntorch.export_nir import export_to_nir
    from snntorch.import_nir import import_from_nir
    _train(net, _snntorch_counts, x_train, y_train, epochs, lr)
    net.eval()
    import snntorch as snn
    xt, n = torch.from_numpy(x_test), len(x_test)
    with torch.no_grad():
        tap = SpikeTap(net, (snn.Leaky, snn.Synaptic), n)
        native = (_snntorch_counts(net, xt).numpy(), tap.close())
        graph = export_to_nir(net, xt[:1, 0], ignore_dims=[0])
        nir.write(path, graph)
        imported = import_from_nir(nir.read(path))
        _fix_flatten(imported)
        tap = SpikeTap(imported, (snn.Leaky, snn.Synaptic), n)
        reading = (_snntorch_counts_graph(imported, xt).numpy(), tap.close())
    return native, reading


def _fix_flatten(module):
    """snnTorch 1.0's import_from_nir builds torch.nn.Flatten(start_dim, end_dim) from NIR's dims,
    which count without the batch dim: start_dim 0 flattens the batch too. Shift it by one."""
    for m in module.modules():
        if isinstance(m, torch.nn.Flatten) and m.start_dim >= 0:
            m.start_dim += 1
            if m.end_dim >= 0:
                m.end_dim += 1


def _snntorch_counts_graph(module, x):
    """Runs nirtorch's GraphModule (forward(x, state) -> (out, state)) of snnTorch modules."""
    import snntorch.utils
    snntorch.utils.reset(module)
    total, state = 0, None
    for t in range(x.shape[1]):
        out, state = module(x[:, t], state)
        total = total + out
    return total


# ----------------------------------------------------------------------------- sinabs

def sinabs_mlp(features, hidden, classes, neuron):
    return torch.nn.Sequential(torch.nn.Linear(features, hidden), neuron(),
                               torch.nn.Linear(hidden, classes), neuron())


def sinabs_conv(shape, channels, classes, neuron):
    import sinabs.layers as sl
    c, h, w = shape
    return torch.nn.Sequential(
        torch.nn.Conv2d(c, channels, 3, padding=1, bias=False), neuron(), sl.SumPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(channels * (h // 2) * (w // 2), classes, bias=False),
        neuron())


def _sinabs_counts(net, x):
    """x [B, T, ...] -> output spike counts [B, C]; sinabs layers take [B, T, ...] (the Squeeze
    layers [B*T, ...])."""
    import sinabs
    sinabs.reset_states(net)
    b, t = x.shape[:2]
    out = net(x.reshape(b * t, *x.shape[2:]))
    return out.reshape(b, t, -1).sum(1)


def sinabs_case(make, x_train, y_train, x_test, path, epochs, lr, neurons):
    """make(neuron_factory) builds the network; trained with the native neuron, read natively and
    with the reading neuron (single spike, zero reset) on the same weights. neurons(T) gives the
    (native, reading, export) factories and the neuron module type (sinabs_iaf, sinabs_lif)."""
    import sinabs
    T = x_train.shape[1]
    native_neuron, nir_neuron, export_neuron, kind = neurons(T)
    torch.manual_seed(0)
    net = make(native_neuron)
    for name, p in net.named_parameters():  # tau and threshold stay what the readings assume
        if name.endswith(("tau_mem", "spike_threshold")):
            p.requires_grad_(False)
    _train(net, _sinabs_counts, x_train, y_train, epochs, lr)
    net.eval()
    # The weights only: each reading keeps its neurons' own tau and threshold.
    weights = {k: v for k, v in net.named_parameters()
               if not k.endswith(("tau_mem", "spike_threshold"))}
    xt, n = torch.from_numpy(x_test), len(x_test)
    with torch.no_grad():
        tap = SpikeTap(net, kind, n)
        native = (_sinabs_counts(net, xt).numpy(), tap.close())
        nir_net = make(nir_neuron)
        nir_net.load_state_dict(weights, strict=False)
        tap = SpikeTap(nir_net, kind, n)
        reading = (_sinabs_counts(nir_net, xt).numpy(), tap.close())
        sinabs.reset_states(net)
        sample = torch.from_numpy(x_test[:1, 0])
        export = make(export_neuron)
        export.load_state_dict(weights, strict=False)
        graph = sinabs.to_nir(export, sample)
        _per_neuron_lif(graph)
        graph.infer_types()  # sinabs leaves some input types None, which nir.write rejects
        nir.write(path, graph)
    return native, reading


def _per_neuron_lif(graph):
    """sinabs writes a scalar-tau LIF with scalar r, v_leak, v_threshold (v_reset), whose type nir's
    infer_types then rejects ("0.output: [[64]] -> 1.input: []"): give them the size of the
    Affine that feeds the node (a workaround, as snnTorch's per-neuron beta)."""
    for dst, node in graph.nodes.items():
        if not isinstance(node, nir.LIF) or np.ndim(node.tau) > 0 and np.size(node.tau) > 1:
            continue
        src = next(a for a, b in graph.edges if b == dst)
        size = np.asarray(graph.nodes[src].weight).shape[0]
        for field in ("tau", "r", "v_leak", "v_threshold", "v_reset"):
            if getattr(node, field, None) is None:
                continue
            value = np.asarray(getattr(node, field), np.float32).reshape(-1)[0]
            setattr(node, field, np.full(size, value, np.float32))
        node.input_type = node.output_type = None
        node.__post_init__()


def sinabs_iaf(T):
    """sinabs's IAF; in NIR's reading one spike per step and a reset to 0."""
    import sinabs.activation as sa
    import sinabs.layers as sl
    return (lambda: sl.IAFSqueeze(num_timesteps=T),
            lambda: sl.IAFSqueeze(num_timesteps=T, spike_fn=sa.SingleSpike,
                                  reset_fn=sa.MembraneReset(reset_value=0.0)),
            lambda: sl.IAFSqueeze(batch_size=1), sl.IAFSqueeze)


def sinabs_lif(tau, euler):
    """sinabs's LIF (tau_mem in steps, v = exp(-1/tau) v + (1 - exp(-1/tau)) x with norm_input,
    several spikes per step, subtract reset); to_nir writes tau and r = 1. Its NIR reading: one
    spike per step, reset to 0, and either snnc's Euler step with dt = 1 step (euler: beta =
    1 - 1/tau and gain 1/tau, i.e. sinabs's LIF with tau' = -1/ln(1 - 1/tau)) or the exact
    exponential step of NIR's ODE (sinabs's own alpha)."""
    import sinabs.activation as sa
    import sinabs.layers as sl

    def factories(T):
        read_tau = -1.0 / np.log1p(-1.0 / tau) if euler else tau
        return (lambda: sl.LIFSqueeze(tau_mem=torch.tensor(tau), num_timesteps=T),
                lambda: sl.LIFSqueeze(tau_mem=torch.tensor(read_tau), num_timesteps=T,
                                      spike_fn=sa.SingleSpike,
                                      reset_fn=sa.MembraneReset(reset_value=0.0)),
                lambda: sl.LIFSqueeze(tau_mem=torch.tensor(tau), batch_size=1), sl.LIFSqueeze)
    return factories
