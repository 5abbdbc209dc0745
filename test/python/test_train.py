"""One training step changes the parameters and gives a finite loss."""
import math

import torch

from snncref import data, models, train


def test_one_training_step_digits():
    model = models.build("digits-bntt-mlp", seed=3)
    x, y = data.load("digits", "train")
    xb, yb = torch.from_numpy(x[:32]), torch.from_numpy(y[:32])
    before = {k: v.detach().clone() for k, v in model.state_dict().items()}
    opt = train.make_optimizer(model, "sgd", 0.1, 5e-4, 1e-2)
    loss, correct = train.train_step(model, opt, xb, yb, torch.Generator().manual_seed(0))
    assert math.isfinite(loss) and loss > 0
    assert 0 <= correct <= 32
    after = model.state_dict()
    for k in ("layers.fc1.weight", "layers.fc2.weight", "layers.bntt1.weight",
              "layers.bntt1.running_mean", "layers.bntt1.running_var"):
        assert not torch.equal(before[k], after[k]), k
    for v in after.values():
        assert torch.isfinite(v).all()


def test_one_training_step_conv_bn():
    """The conv architectures train too (tiny batch; the static-BN variant)."""
    model = models.build("fmnist-bn-conv", seed=0)
    model.num_steps = 3  # fewer steps keep the test fast; the graph is the same
    x = torch.rand(4, 1, 28, 28)
    y = torch.tensor([0, 1, 2, 3])
    opt = train.make_optimizer(model, "adam", 1e-3, 0.0, 0.0)
    w0 = model.layers["conv1"].weight.detach().clone()
    loss, _ = train.train_step(model, opt, x, y, torch.Generator().manual_seed(0))
    assert math.isfinite(loss)
    assert not torch.equal(w0, model.layers["conv1"].weight)


def test_gradient_reaches_every_step_gamma():
    model = models.build("digits-bntt-mlp", seed=0)
    x, y = data.load("digits", "train")
    out = model(model.encode_random(torch.from_numpy(x[:64]), torch.Generator().manual_seed(1)))[-1]
    torch.nn.functional.cross_entropy(out, torch.from_numpy(y[:64])).backward()
    g = model.layers["bntt1"].weight.grad
    assert g.shape == (20, 128) and (g.abs().sum(1) > 0).all()


def test_one_training_step_digits_maxpool():
    """The max-pool conv net trains on digits given the model's (1, 8, 8) input shape; the gradient
    reaches the first conv through both max pools."""
    model = models.build("digits-bntt-maxpool", seed=0)
    x, y = data.load("digits", "train", shape=model.input_shape)
    assert x.shape == (1437, 1, 8, 8)
    np_flat, _ = data.load("digits", "train")
    assert np_flat.shape == (1437, 64) and (np_flat.reshape(x.shape) == x).all()
    opt = train.make_optimizer(model, "sgd", 0.1, 5e-4, 1e-2)
    w0 = model.layers["conv1"].weight.detach().clone()
    loss, _ = train.train_step(model, opt, torch.from_numpy(x[:32]), torch.from_numpy(y[:32]),
                               torch.Generator().manual_seed(0))
    assert math.isfinite(loss)
    assert not torch.equal(w0, model.layers["conv1"].weight)
