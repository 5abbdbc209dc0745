"""LIF / BNTT / Readout semantics on tiny hand-checked tensors."""
import numpy as np
import torch

from snncref.layers import BNTT, LIF, Readout, StaticBN, SurrogateSpike


def seq(values):
    """[S] -> [S, 1, 1] float32 tensor (steps, batch, neurons)."""
    return torch.tensor(values, dtype=torch.float32).reshape(-1, 1, 1)


def test_lif_strict_threshold_and_soft_reset():
    lif = LIF(leak=1.0, threshold=1.0, reset="soft")
    # u: 1.0 (== threshold: no spike), 1.5 (spike -> 0.5), 1.0 (no), 2.25 (spike -> 1.25), 1.25 (spike -> 0.25)
    s = lif(seq([1.0, 0.5, 0.5, 1.25, 0.0]))
    assert s.flatten().tolist() == [0, 1, 0, 1, 1]


def test_lif_hard_reset():
    lif = LIF(leak=1.0, threshold=1.0, reset="hard")
    # u: 1.0 (no), 1.5 (spike -> 0), 0.5, 1.75 (spike -> 0), 0.0
    s = lif(seq([1.0, 0.5, 0.5, 1.25, 0.0]))
    assert s.flatten().tolist() == [0, 1, 0, 1, 0]


def test_lif_leak():
    lif = LIF(leak=0.5, threshold=1.0)
    # u: 0.8, 0.4+0.7=1.1 spike -> 0.1, 0.05+0.9=0.95, 0.475+0.5=0.975
    s = lif(seq([0.8, 0.7, 0.9, 0.5]))
    assert s.flatten().tolist() == [0, 1, 0, 0]
    lif2 = LIF(leak=0.5, threshold=0.25)  # threshold scales the soft reset: 0.3 -> spike -> 0.05
    assert lif2(seq([0.3, 0.1, 0.0])).flatten().tolist() == [1, 0, 0]  # 0.025+0.1=0.125; 0.0625


def test_lif_starts_from_zero_and_negative_input():
    lif = LIF(leak=0.9)
    assert lif(seq([-5.0, 1.0, 1.0])).flatten().tolist() == [0, 0, 0]  # -4.5+1=-3.05+1 ...


def test_surrogate_gradient():
    u = torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, -1.0], requires_grad=True)
    s = SurrogateSpike.apply(u, 1.0)
    s.sum().backward()
    np.testing.assert_allclose(u.grad.numpy(), [0.0, 0.15, 0.3, 0.15, 0.0, 0.0, 0.0], atol=1e-7)
    u2 = torch.tensor([2.0, 1.0], requires_grad=True)   # threshold 2: 0.3*max(0, 1-|u/2-1|)
    SurrogateSpike.apply(u2, 2.0).sum().backward()
    np.testing.assert_allclose(u2.grad.numpy(), [0.3, 0.15], atol=1e-7)


def test_bntt_has_no_beta_and_per_step_tables():
    b = BNTT(3, 5)
    names = dict(b.named_parameters())
    assert list(names) == ["weight"] and names["weight"].shape == (5, 3)
    assert b.running_mean.shape == (5, 3) and b.running_var.shape == (5, 3)


def test_bntt_train_uses_batch_stats_of_step_t():
    b = BNTT(1, 2, eps=0.0, momentum=0.5)
    with torch.no_grad():
        b.weight.copy_(torch.tensor([[2.0], [3.0]]))
    x = torch.tensor([[[1.0], [3.0]], [[10.0], [20.0]]])  # [S=2, N=2, C=1]
    b.train()
    y = b(x)
    # step 0: mean 2, biased var 1 -> gamma*(x-2)/1 = -2, 2 ; step 1: mean 15, var 25 -> 3*(+-5)/5
    np.testing.assert_allclose(y.detach().flatten().numpy(), [-2, 2, -3, 3], atol=1e-6)
    # running stats per step (momentum 0.5, unbiased var for the running estimate)
    np.testing.assert_allclose(b.running_mean.flatten().numpy(), [1.0, 7.5], atol=1e-6)
    np.testing.assert_allclose(b.running_var.flatten().numpy(), [0.5 + 0.5 * 2, 0.5 + 0.5 * 50], atol=1e-5)


def test_bntt_eval_uses_running_stats_of_step_t():
    b = BNTT(2, 3, eps=1e-4)
    with torch.no_grad():
        b.weight.copy_(torch.tensor([[1.0, 2.0], [0.5, 1.0], [0.0, 3.0]]))
        b.running_mean.copy_(torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
        b.running_var.copy_(torch.tensor([[1.0, 4.0], [9.0, 16.0], [1.0, 0.25]]))
    b.eval()
    x = torch.ones(3, 1, 2, 1, 1) * 7.0  # [S, N, C, H, W]
    y = b(x).detach().flatten().numpy()
    g, m, v = b.weight.detach().numpy(), b.running_mean.numpy(), b.running_var.numpy()
    ref = (g * (7.0 - m) / np.sqrt(v + 1e-4)).flatten()
    np.testing.assert_allclose(y, ref, rtol=1e-6)
    assert abs(y[0] - 7.0 / np.sqrt(1.0001)) < 1e-5 and y[4] == 0.0  # no beta: gamma 0 -> exactly 0
    # the same input at different steps gives different outputs, and a prefix run uses the first rows
    np.testing.assert_array_equal(b(x[:2]).detach().flatten().numpy(), y[:4])


def test_static_bn_eval():
    bn = StaticBN(2)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([2.0, 1.0]))
        bn.bias.copy_(torch.tensor([0.5, -1.0]))
        bn.running_mean.copy_(torch.tensor([1.0, 0.0]))
        bn.running_var.copy_(torch.tensor([4.0, 1.0]))
    bn.eval()
    y = bn(torch.full((2, 1, 2), 3.0)).detach().flatten().numpy()
    np.testing.assert_allclose(y, [2 * 2 / np.sqrt(4.0001) + 0.5, 3 / np.sqrt(1.0001) - 1] * 2, rtol=1e-6)


def test_readout_accumulates_and_divides_by_steps():
    r = Readout()
    y = r(torch.tensor([[[1.0, 0.0]], [[3.0, 1.0]], [[2.0, 5.0]]]))
    np.testing.assert_allclose(y[:, 0].numpy(), [[1, 0], [2, 0.5], [2, 2]])
