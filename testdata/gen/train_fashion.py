#!/usr/bin/python3
"""train_fashion.py - trains the small Fashion-MNIST test models of rtcc.

Regenerate everything under testdata/models/ and testdata/fashion_mnist/ with

    /usr/bin/python3 testdata/gen/train_fashion.py

(Debian's python3: torch 1.13, torchvision, numpy, onnx 1.12). The dataset is
read from the local Debian copy in /usr/share/datasets/fashion-mnist/; nothing
is downloaded. Seeds are fixed, torch runs on 2 threads with deterministic
algorithms, so reruns on the same machine reproduce the same weights.

Preprocessing (applied to every image we store or feed to a model):
    x = (pixel / 255 - 0.2860) / 0.3530          float32, shape N x 1 x 28 x 28
(0.2860 and 0.3530 are the mean and standard deviation of the Fashion-MNIST
training pixels.)

Models (all exported with opset 13, input "input" 1x1x28x28, output "logits"
1x10, static batch 1):
  lenet5          classic LeNet-5 (5x5 convs 6/16 ch, maxpool, fc 120-84-10);
                  exported in EVAL mode (no BatchNorm in the model).
  lenet5_k3_wide  3x3 convs 12/24 ch, each followed by BatchNorm, fc 64-10;
                  exported with TrainingMode.PRESERVE on a model in eval()
                  mode so BatchNormalization nodes stay in the ONNX graph
                  (torch's EVAL export would fold them into the convs, and we
                  want rtcc's own BN-folding path to be exercised).
  dwres           stem conv 3x3 16 ch + BN + relu + maxpool, then a
                  depthwise-separable residual block (depthwise 3x3 groups=16
                  + BN + relu, pointwise 1x1 + BN, Add with the block input,
                  relu), global average pool, fc 10; BN kept as above.

Training: Adam with a one-cycle schedule, batch 128, cross entropy, all 60k
training images (epochs and max learning rate per model in MODELS). Outputs:
see testdata/README.md.
"""

import gzip
import os
import sys
import time
import warnings

import numpy as np
import onnx
import onnx.checker
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_DIR = "/usr/share/datasets/fashion-mnist"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MODELS_DIR = os.path.join(ROOT, "models")
FM_DIR = os.path.join(ROOT, "fashion_mnist")

MEAN, STD = 0.2860, 0.3530
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
NUM_CALIB, NUM_EVAL = 200, 500
BATCH = 128
SEED = 20240


def read_idx(path):
    """Reads a gzip'd IDX file (unsigned byte data) into a numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    assert magic >> 8 == 0x08, f"{path}: not an unsigned-byte IDX file"
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    assert arr.size == int(np.prod(dims)), f"{path}: size mismatch"
    return arr.reshape(dims)


def normalise(images_u8):
    x = images_u8.astype(np.float32) / np.float32(255.0)
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return x.reshape(-1, 1, 28, 28).astype(np.float32)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class LeNet5K3Wide(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 12, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(12)
        self.conv2 = nn.Conv2d(12, 24, 3)
        self.bn2 = nn.BatchNorm2d(24)
        self.fc1 = nn.Linear(24 * 6 * 6, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)  # 12x14x14
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)  # 24x6x6
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class DwRes(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        self.stem = nn.Conv2d(1, ch, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(ch)
        self.dw = nn.Conv2d(ch, ch, 3, padding=1, groups=ch, bias=False)
        self.dw_bn = nn.BatchNorm2d(ch)
        self.pw = nn.Conv2d(ch, ch, 1, bias=False)
        self.pw_bn = nn.BatchNorm2d(ch)
        self.fc = nn.Linear(ch, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.stem_bn(self.stem(x))), 2)  # 16x14x14
        y = F.relu(self.dw_bn(self.dw(x)))
        y = self.pw_bn(self.pw(y))
        x = F.relu(x + y)
        x = F.adaptive_avg_pool2d(x, 1)  # exported as GlobalAveragePool
        x = torch.flatten(x, 1)
        return self.fc(x)


# (name, class, export mode, Adam one-cycle max lr, epochs). The 810-weight
# dwres needs a higher learning rate and a few more epochs to get anywhere.
MODELS = [
    ("lenet5", LeNet5, torch.onnx.TrainingMode.EVAL, 2e-3, 4),
    ("lenet5_k3_wide", LeNet5K3Wide, torch.onnx.TrainingMode.PRESERVE, 2e-3, 4),
    ("dwres", DwRes, torch.onnx.TrainingMode.PRESERVE, 2e-2, 6),
]


def train(model, x_train, y_train, seed, lr, epochs):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * ((len(x_train) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    model.train()
    for epoch in range(epochs):
        perm = torch.randperm(len(x_train), generator=gen)
        total, correct, loss_sum = 0, 0, 0.0
        for i in range(0, len(x_train), BATCH):
            idx = perm[i:i + BATCH]
            xb, yb = x_train[idx], y_train[idx]
            opt.zero_grad()
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            total += len(idx)
        print(f"  epoch {epoch + 1}/{epochs}: loss {loss_sum / total:.4f} "
              f"train acc {correct / total:.4f}", flush=True)
    model.eval()


def accuracy(model, x, y):
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
    return (pred == y).float().mean().item()


def num_params(model):
    return sum(p.numel() for p in model.parameters())


def save_pb(path, array, name):
    tp = onnx.numpy_helper.from_array(np.ascontiguousarray(array), name=name)
    with open(path, "wb") as f:
        f.write(tp.SerializeToString())


def export(model, name, mode, sample):
    out_dir = os.path.join(MODELS_DIR, name)
    os.makedirs(os.path.join(out_dir, "test_data_set_0"), exist_ok=True)
    path = os.path.join(out_dir, "model.onnx")
    with warnings.catch_warnings():
        # PRESERVE + constant folding warns about training-mode parameters;
        # our models are in eval() mode, so BN runs in inference form.
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.from_numpy(sample), path,
                          opset_version=13, do_constant_folding=True,
                          input_names=["input"], output_names=["logits"],
                          training=mode)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    ops = sorted({n.op_type for n in m.graph.node})
    with torch.no_grad():
        logits = model(torch.from_numpy(sample)).numpy()
    save_pb(os.path.join(out_dir, "test_data_set_0", "input_0.pb"), sample, "input")
    save_pb(os.path.join(out_dir, "test_data_set_0", "output_0.pb"), logits, "logits")
    return ops, os.path.getsize(path), logits


def main():
    t0 = time.time()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    np.random.seed(SEED)
    torch.manual_seed(SEED)

    tr_x = normalise(read_idx(os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz")))
    tr_y = read_idx(os.path.join(DATA_DIR, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    te_x = normalise(read_idx(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz")))
    te_y = read_idx(os.path.join(DATA_DIR, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    assert tr_x.shape == (60000, 1, 28, 28) and te_x.shape == (10000, 1, 28, 28)

    # Data files.
    os.makedirs(FM_DIR, exist_ok=True)
    eval_x, eval_y = te_x[:NUM_EVAL], te_y[:NUM_EVAL]
    sample = te_x[:1].copy()
    np.save(os.path.join(FM_DIR, "calib.npy"), tr_x[:NUM_CALIB])
    np.save(os.path.join(FM_DIR, "eval_x.npy"), eval_x)
    np.save(os.path.join(FM_DIR, "eval_y.npy"), eval_y)
    np.save(os.path.join(FM_DIR, "sample0.npy"), sample)
    sample.astype("<f4").tofile(os.path.join(FM_DIR, "sample0.bin"))
    save_pb(os.path.join(FM_DIR, "sample0.pb"), sample, "input")
    with open(os.path.join(FM_DIR, "classes.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")

    txr, tyr = torch.from_numpy(tr_x), torch.from_numpy(tr_y)
    exr, eyr = torch.from_numpy(eval_x), torch.from_numpy(eval_y)
    txe, tye = torch.from_numpy(te_x), torch.from_numpy(te_y)
    lines = ["# model  top1_eval500  top1_test10k  params  (float32, measured by torch;",
             "#   eval500 = testdata/fashion_mnist/eval_x.npy, i.e. the first 500 test images)"]
    for k, (name, cls, mode, lr, epochs) in enumerate(MODELS):
        t1 = time.time()
        torch.manual_seed(SEED + k)
        model = cls()
        print(f"{name}: {num_params(model)} parameters", flush=True)
        train(model, txr, tyr, SEED + k, lr, epochs)
        acc500 = accuracy(model, exr, eyr)
        acc10k = accuracy(model, txe, tye)
        ops, size, logits = export(model, name, mode, sample)
        print(f"  eval500 top1 {acc500:.4f}  test10k top1 {acc10k:.4f}  "
              f"model.onnx {size} bytes  ops {ops}  "
              f"sample0 class {int(logits.argmax())} (label {int(te_y[0])})  "
              f"{time.time() - t1:.1f}s", flush=True)
        lines.append(f"{name} {acc500:.4f} {acc10k:.4f} {num_params(model)}")
    with open(os.path.join(MODELS_DIR, "accuracy.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"total {time.time() - t0:.1f}s")


if __name__ == "__main__":
    sys.exit(main())
